package io.hooknet.codec;

/**
 * Where a hook asks to go in its event's chain ({@code hook_hint_t}). Hints apply when the hook is inserted.
 */
public enum Hint {
  /** Appended after the hooks present, but before a {@link #LAST} hook. */
  NONE,
  /** At the head of the chain; at most one per event. */
  FIRST,
  /** At the tail of the chain; at most one per event. */
  LAST,
  /** Just before the hook named by {@code hintValue}. */
  BEFORE,
  /** Just after the hook named by {@code hintValue}. */
  AFTER
}
