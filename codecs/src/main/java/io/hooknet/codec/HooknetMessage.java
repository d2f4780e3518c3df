package io.hooknet.codec;

/**
 * A message hooknet sends on the event bus. Every implementation is a record listed in
 * {@link Codecs#MESSAGE_TYPES}, mapped to JSON for bridges and to CBOR for the cluster codecs by the same
 * Jackson mapping ({@link Json}).
 */
public interface HooknetMessage {
}
