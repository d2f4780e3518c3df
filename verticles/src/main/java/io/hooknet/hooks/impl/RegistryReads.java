package io.hooknet.hooks.impl;

import com.hazelcast.map.IMap;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.codec.Replies.EventChain;
import io.hooknet.codec.Replies.EventStats;
import io.hooknet.codec.Replies.HookChains;
import io.hooknet.codec.Replies.HookInfo;
import io.hooknet.hooks.impl.FamilyState.EventState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads of the stored registry: {@code list}, {@code stats}, and the chain {@code run} calls. */
final class RegistryReads {

  private final Vertx vertx;
  private final IMap<String, FamilyState> families;

  RegistryReads(Vertx vertx, IMap<String, FamilyState> families) {
    this.vertx = vertx;
    this.families = families;
  }

  /** A family's state; {@code ENXIO} when there is none. */
  Future<FamilyState> family(String name) {
    return FamilyStore.onContext(families.getAsync(name), vertx.getOrCreateContext())
        .map(state -> RegistryOps.requireFamily(state, name, Errno.ENXIO));
  }

  /**
   * An event's chain, counts and latest change, read where its family lives ({@link EventReader}); {@code ENXIO}
   * when there is no such family or event.
   */
  Future<EventState> event(String family, String event) {
    return FamilyStore.onContext(families.submitToKey(family, new EventReader(event)), vertx.getOrCreateContext())
        .map(bytes -> {
          if (bytes == null) {
            throw RegistryOps.noFamily(family, Errno.ENXIO);
          }
          if (bytes.length == 0) {
            throw RegistryOps.noEvent(family, event, Errno.ENXIO);
          }
          return Mapping.fromCborBytes(bytes, EventState.class);
        });
  }

  Future<HookChains> list(HookCommand.ListHooks command) {
    if (command.family() != null && command.event() != null) {
      return event(command.family(), command.event())
          .map(event -> new HookChains(List.of(chain(command.family(), event))));
    }
    Future<List<FamilyState>> states = command.family() != null ? family(command.family()).map(List::of)
        : vertx.executeBlocking(() -> {
          List<FamilyState> all = new ArrayList<>(families.values());
          all.sort(Comparator.comparing(state -> state.family));
          return all;
        });
    return states.map(all -> {
      List<EventChain> chains = new ArrayList<>();
      for (FamilyState family : all) {
        if (command.event() != null) {
          chains.add(chain(family.family, RegistryOps.requireEvent(family, command.event(), Errno.ENXIO)));
        } else {
          family.events.forEach(event -> chains.add(chain(family.family, event)));
        }
      }
      return new HookChains(chains);
    });
  }

  Future<EventStats> stats(HookCommand.Stats command) {
    return event(command.family(), command.event()).map(event -> new EventStats(command.family(), event.event,
        event.hooksAdded, event.hooksRemoved, event.runs, infos(event)));
  }

  private static EventChain chain(String family, EventState event) {
    return new EventChain(family, event.event, event.changes.epoch, event.changes.seq, infos(event));
  }

  private static List<HookInfo> infos(EventState event) {
    List<HookInfo> infos = new ArrayList<>();
    for (int i = 0; i < event.chain.size(); i++) {
      HookChain.Link link = event.chain.get(i);
      infos.add(new HookInfo(link.hook(), link.hint(), link.hintValue(), link.address(), link.node(),
          link.session(), i, event.hits.getOrDefault(link.hook(), 0L)));
    }
    return infos;
  }
}
