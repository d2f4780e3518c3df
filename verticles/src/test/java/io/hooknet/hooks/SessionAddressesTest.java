package io.hooknet.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which addresses are a session's by their name: those under its notice address, and no others. */
class SessionAddressesTest {

  private static final String SESSION = "042e5d65-0633-4823-bdda-9c716f768cc5";

  @Test
  void anAddressUnderTheSessionsNoticeAddressIsItsOwn() {
    assertThat(Sessions.ownerAddress(SESSION)).isEqualTo("hooknet.session." + SESSION);
    assertThat(Sessions.ownAddress(SESSION, "hooknet.session." + SESSION + ".a1b2.cb")).isTrue();
    assertThat(Sessions.ownAddress(SESSION, "hooknet.session." + SESSION + ".x")).isTrue();
  }

  @Test
  void theNoticeAddressItselfAnotherSessionsAndLookAlikesAreNot() {
    assertThat(Sessions.ownAddress(SESSION, "hooknet.session." + SESSION)).isFalse();
    assertThat(Sessions.ownAddress(SESSION, "hooknet.session." + SESSION + ".")).isFalse();
    assertThat(Sessions.ownAddress(SESSION, "hooknet.session." + SESSION + "0.cb")).isFalse();
    assertThat(Sessions.ownAddress(SESSION, "hooknet.session." + SESSION.substring(1) + ".cb")).isFalse();
    assertThat(Sessions.ownAddress(SESSION, "hooknet.session.other.cb")).isFalse();
    assertThat(Sessions.ownAddress(SESSION, "hooknet.client." + SESSION + ".cb")).isFalse();
  }
}
