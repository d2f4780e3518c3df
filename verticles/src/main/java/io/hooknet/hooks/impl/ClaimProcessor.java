package io.hooknet.hooks.impl;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Claims a client address for a session where the claim's entry lives: the address is the session's when no other
 * session holds it. Answers the holder before the step ({@code null}: none, the claim is made). The backup runs it
 * again on the same entry and makes the same claim.
 */
final class ClaimProcessor implements EntryProcessor<String, String, String> {

  private static final long serialVersionUID = 1L;

  private final String session;

  ClaimProcessor(String session) {
    this.session = session;
  }

  @Override
  public String process(Map.Entry<String, String> entry) {
    String holder = entry.getValue();
    if (holder == null) {
      entry.setValue(session);
    }
    return holder;
  }
}
