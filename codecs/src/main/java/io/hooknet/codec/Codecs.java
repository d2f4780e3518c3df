package io.hooknet.codec;

import io.hooknet.codec.impl.MessageCodecImpl;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The event bus codecs of every hooknet message. A receiving node finds a codec by the name the sender
 * wrote, so every node of a cluster must call {@link #register(Vertx)} before it exchanges hooknet messages;
 * the clustered {@code Vertx} that {@code io.hooknet.cluster} builds already has.
 */
public final class Codecs {

  /** Every message type, each with its own default codec named {@code hooknet.<Type>}. */
  public static final List<Class<? extends HooknetMessage>> MESSAGE_TYPES = messageTypes();

  private static final Map<Vertx, Boolean> REGISTERED = Collections.synchronizedMap(new WeakHashMap<>());

  private Codecs() {
  }

  /** Registers the default codec of every message type on {@code vertx}'s event bus; a second call does nothing. */
  public static void register(Vertx vertx) {
    if (REGISTERED.putIfAbsent(vertx, Boolean.TRUE) != null) {
      return;
    }
    EventBus eventBus = vertx.eventBus();
    for (Class<? extends HooknetMessage> type : MESSAGE_TYPES) {
      registerDefault(eventBus, type);
    }
  }

  /** The codec of one message type. */
  public static <T extends HooknetMessage> MessageCodec<T, T> codec(Class<T> type) {
    if (!MESSAGE_TYPES.contains(type)) {
      throw new IllegalArgumentException(type.getName() + " is not a hooknet message type");
    }
    return new MessageCodecImpl<>(type);
  }

  private static <T extends HooknetMessage> void registerDefault(EventBus eventBus, Class<T> type) {
    eventBus.registerDefaultCodec(type, new MessageCodecImpl<>(type));
  }

  private static List<Class<? extends HooknetMessage>> messageTypes() {
    List<Class<? extends HooknetMessage>> types = new ArrayList<>();
    types.add(SockEvent.class);
    types.add(LinkEvent.class);
    types.add(HookEvent.class);
    types.add(HookCall.class);
    types.add(HookCall.Result.class);
    addPermitted(types, HookCommand.class);
    addPermitted(types, PoolCommand.class);
    Arrays.stream(Replies.class.getDeclaredClasses())
        .filter(Class::isRecord)
        .map(type -> type.asSubclass(HooknetMessage.class))
        .forEach(types::add);
    return List.copyOf(types);
  }

  private static void addPermitted(List<Class<? extends HooknetMessage>> types, Class<?> sealed) {
    for (Class<?> type : sealed.getPermittedSubclasses()) {
      types.add(type.asSubclass(HooknetMessage.class));
    }
  }
}
