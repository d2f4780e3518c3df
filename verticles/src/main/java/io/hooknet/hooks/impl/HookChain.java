package io.hooknet.hooks.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HooknetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One event's ordered hook chain and the insertion rules of illumos' {@code hook_insert()}, with its two
 * ordering bugs fixed.
 *
 * <h2>How a hook finds its place</h2>
 * Hints apply once, when the hook is inserted; hooks never move afterwards.
 * <ul>
 *   <li>{@code FIRST} goes to the head; a second {@code FIRST} hook is {@code EBUSY}.</li>
 *   <li>{@code LAST} goes to the tail; a second {@code LAST} hook is {@code EBUSY}.</li>
 *   <li>{@code BEFORE x} goes just before {@code x}, {@code AFTER x} just after it. Before a {@code FIRST} hook
 *       or after a {@code LAST} hook is {@code EBUSY}. When {@code x} is not there the hook is placed as
 *       {@code NONE} and waits for {@code x}.</li>
 *   <li>{@code NONE} goes after the hooks present but before a {@code LAST} hook (illumos appends it after the
 *       {@code LAST} hook). If hooks are waiting for it, it goes right after the last hook waiting to be
 *       {@code BEFORE} it, or else right before the first hook waiting to be {@code AFTER} it, so the waiting
 *       hooks end up on the side they asked for (illumos inverts the two groups).</li>
 * </ul>
 * Names are unique per chain ({@code EEXIST}); {@code BEFORE}/{@code AFTER} need the name of another hook and
 * the other hints take none ({@code EINVAL}).
 */
public final class HookChain {

  /**
   * A hook in the chain: where {@code run} calls it, and its owner (the node it was registered through, and the
   * bridge session that owns it, if any) with the time it was registered, which settles merge conflicts.
   */
  public record Link(String hook, Hint hint, String hintValue, String address, String node, String session,
      long registeredAt) {

    /** A hook owned by node {@code node}. */
    public Link(String hook, Hint hint, String hintValue, String address, String node) {
      this(hook, hint, hintValue, address, node, null, 0);
    }

    Owner owner() {
      return new Owner(node, session);
    }
  }

  /**
   * What finds a hook in a long chain without reading every hook: the links by name, and how many links wait for
   * another hook (BEFORE/AFTER), which a hook without a hint has to look for only when there are any. Built from
   * the chain when first needed, and kept in step by {@link #insert} and {@link #remove}.
   */
  static final class Index {
    private final Map<String, Link> byName = new HashMap<>();
    private int relative;

    Index(List<Link> links) {
      links.forEach(this::add);
    }

    private void add(Link link) {
      byName.put(link.hook(), link);
      relative += isRelative(link) ? 1 : 0;
    }

    private void remove(Link link) {
      byName.remove(link.hook());
      relative -= isRelative(link) ? 1 : 0;
    }

    private static boolean isRelative(Link link) {
      return link.hint() == Hint.BEFORE || link.hint() == Hint.AFTER;
    }
  }

  private final List<Link> links;
  private final Index index;

  public HookChain() {
    this(new ArrayList<>());
  }

  /** A chain of its own holding {@code links}. */
  public HookChain(List<Link> links) {
    this.links = new ArrayList<>(links);
    this.index = new Index(this.links);
  }

  private HookChain(List<Link> links, Index index) {
    this.links = links;
    this.index = index;
  }

  /**
   * The rules over {@code links} itself (a modifiable list) with its {@code index}, which {@link #insert} and
   * {@link #remove} change where they are: a stored event's chain, changed without a copy. A refused insert leaves
   * both as they were.
   */
  static HookChain over(List<Link> links, Index index) {
    return new HookChain(links, index);
  }

  /** Inserts {@code link} by its hint and gives its position. */
  public int insert(Link link) {
    if (indexOf(link.hook()) >= 0) {
      throw HooknetException.refused(Errno.EEXIST, "hook '%s' is already in the chain", link.hook());
    }
    requireValidHint(link);
    int position = positionFor(link);
    links.add(position, link);
    index.add(link);
    return position;
  }

  /** Removes the hook called {@code hook} and gives where it was; {@code ENXIO} when it is not there. */
  public int remove(String hook) {
    int index = indexOf(hook);
    if (index < 0) {
      throw HooknetException.refused(Errno.ENXIO, "hook '%s' is not in the chain", hook);
    }
    removeAt(index);
    return index;
  }

  /** Removes and gives the hook at {@code position}. */
  Link removeAt(int position) {
    Link link = links.remove(position);
    index.remove(link);
    return link;
  }

  /** The hook's place, -1 when it is not there. */
  public int indexOf(String hook) {
    Link link = index.byName.get(hook);
    if (link == null) {
      return -1;
    }
    for (int i = 0; i < links.size(); i++) {
      if (links.get(i) == link) {
        return i;
      }
    }
    throw new IllegalStateException("hook '" + hook + "' is indexed but not in its chain");
  }

  public List<Link> links() {
    return Collections.unmodifiableList(links);
  }

  public int size() {
    return links.size();
  }

  private static void requireValidHint(Link link) {
    if (link.hint() == null) {
      throw HooknetException.refused(Errno.EINVAL, "hook '%s' has no hint", link.hook());
    }
    boolean relative = link.hint() == Hint.BEFORE || link.hint() == Hint.AFTER;
    if (relative && (link.hintValue() == null || link.hintValue().isEmpty())) {
      throw HooknetException.refused(Errno.EINVAL, "hint %s of hook '%s' needs the name of another hook",
          link.hint(), link.hook());
    }
    if (relative && link.hintValue().equals(link.hook())) {
      throw HooknetException.refused(Errno.EINVAL, "hook '%s' cannot go %s itself", link.hook(),
          link.hint() == Hint.BEFORE ? "before" : "after");
    }
    if (!relative && link.hintValue() != null) {
      throw HooknetException.refused(Errno.EINVAL, "hint %s of hook '%s' takes no hook name, got '%s'", link.hint(),
          link.hook(), link.hintValue());
    }
  }

  private int positionFor(Link link) {
    switch (link.hint()) {
      case FIRST:
        if (!links.isEmpty() && links.get(0).hint() == Hint.FIRST) {
          throw HooknetException.refused(Errno.EBUSY, "hook '%s' is already FIRST", links.get(0).hook());
        }
        return 0;
      case LAST:
        if (endsWithLast()) {
          throw HooknetException.refused(Errno.EBUSY, "hook '%s' is already LAST", links.get(links.size() - 1).hook());
        }
        return links.size();
      case BEFORE:
      case AFTER:
        return relativePosition(link);
      default:
        return plainPosition(link.hook());
    }
  }

  private int relativePosition(Link link) {
    int target = indexOf(link.hintValue());
    if (target < 0) {
      return plainPosition(link.hook());
    }
    Hint targetHint = links.get(target).hint();
    if (link.hint() == Hint.BEFORE && targetHint == Hint.FIRST) {
      throw HooknetException.refused(Errno.EBUSY, "hook '%s' cannot go before '%s', which is FIRST", link.hook(),
          link.hintValue());
    }
    if (link.hint() == Hint.AFTER && targetHint == Hint.LAST) {
      throw HooknetException.refused(Errno.EBUSY, "hook '%s' cannot go after '%s', which is LAST", link.hook(),
          link.hintValue());
    }
    return link.hint() == Hint.BEFORE ? target : target + 1;
  }

  /** Where a hook without a usable hint goes: between the hooks waiting for it, else before a LAST hook. */
  private int plainPosition(String hook) {
    if (index.relative == 0) {
      return endsWithLast() ? links.size() - 1 : links.size();
    }
    int lastBefore = -1;
    int firstAfter = -1;
    for (int i = 0; i < links.size(); i++) {
      Link waiting = links.get(i);
      if (hook.equals(waiting.hintValue()) && waiting.hint() == Hint.BEFORE) {
        lastBefore = i;
      } else if (hook.equals(waiting.hintValue()) && waiting.hint() == Hint.AFTER && firstAfter < 0) {
        firstAfter = i;
      }
    }
    if (lastBefore >= 0) {
      return lastBefore + 1;
    }
    if (firstAfter >= 0) {
      return firstAfter;
    }
    return endsWithLast() ? links.size() - 1 : links.size();
  }

  private boolean endsWithLast() {
    return !links.isEmpty() && links.get(links.size() - 1).hint() == Hint.LAST;
  }
}
