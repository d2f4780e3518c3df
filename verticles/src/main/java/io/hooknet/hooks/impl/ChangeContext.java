package io.hooknet.hooks.impl;

/**
 * What a change needs from the node that asks for it, fixed before the entry processor runs so that its backup
 * computes the same state: the cluster view that node sees, a random epoch to start should the view have changed,
 * how many changes an event keeps for resuming callbacks, the time that stamps new registrations, and the
 * deadline (Hazelcast's cluster time, ms; 0 for none) after which a command is refused rather than applied: by
 * then the node that asked has answered {@code ETIMEDOUT}.
 */
public record ChangeContext(long view, long nonce, int historyLimit, long now, long deadline) {
}
