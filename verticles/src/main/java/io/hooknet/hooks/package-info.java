/**
 * The replicated hook registry: families, events and ordered hook chains with change notification
 * ({@code net_hook_register}, {@code net_event_notify_register(9F)}), kept in the Hazelcast cluster.
 */
package io.hooknet.hooks;
