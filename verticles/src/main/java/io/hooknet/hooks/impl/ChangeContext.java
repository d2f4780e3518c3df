package io.hooknet.hooks.impl;

/**
 * What a change needs from the node that asks for it, fixed before the entry processor runs so that its backup
 * computes the same state: the cluster view that node sees, a random epoch to start should the view have changed,
 * how many changes an event keeps for resuming callbacks, and the time that stamps new registrations.
 */
public record ChangeContext(long view, long nonce, int historyLimit, long now) {
}
