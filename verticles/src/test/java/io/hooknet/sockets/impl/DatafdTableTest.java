package io.hooknet.sockets.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.codec.HooknetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Ports of libknet's API tests for add/remove/get_datafd/get_channel (api_knet_handle_add_datafd.c and
 * friends) at the level of the table: each errno path, the 32-slot fill, lowest free channel.
 */
class DatafdTableTest {

  private final DatafdTable<Object, Made> table = new DatafdTable<>(32);

  /** What the pool would keep for a socket: here, only what the table knows of it. */
  record Made(long datafd, int channel, Object socket) implements DatafdTable.Slot<Object> {
  }

  /** Makes the entry of {@code socket}. */
  private static DatafdTable.Maker<Made> made(Object socket) {
    return (datafd, channel) -> new Made(datafd, channel, socket);
  }

  @Test
  void autoChannelIsTheLowestFree() {
    assertThat(table.add("a", -1, made("a")).channel()).isEqualTo(0);
    assertThat(table.add("b", -1, made("b")).channel()).isEqualTo(1);
    assertThat(table.add("c", 5, made("c")).channel()).isEqualTo(5);
    table.remove(table.find("a").datafd());
    assertThat(table.add("d", -1, made("d")).channel()).isEqualTo(0);
    assertThat(table.add("e", -1, made("e")).channel()).isEqualTo(2);
  }

  @Test
  void fillAll32ThenThe33rdIsEbusy() {
    for (int i = 0; i < 32; i++) {
      String socket = "s" + i;
      Made entry = table.add(socket, -1, made(socket));
      assertThat(entry.channel()).isEqualTo(i);
      assertThat(entry.datafd()).isEqualTo(i + 1);
      assertThat(entry.socket()).isEqualTo("s" + i);
    }
    assertErrno(16, "EBUSY: all 32 channels are in use", () -> table.add("s32", -1, made("s32")));
    assertThat(table.size()).isEqualTo(32);
  }

  @Test
  void busyChannelIsEbusy() {
    table.add("a", 3, made("a"));
    assertErrno(16, "EBUSY: channel 3 is in use by datafd 1", () -> table.add("b", 3, made("b")));
  }

  @Test
  void channelOutOfRangeIsEinval() {
    assertErrno(22, "EINVAL: channel 32 is out of range 0-31", () -> table.add("a", 32, made("a")));
    assertErrno(22, "EINVAL: channel -2 is out of range 0-31", () -> table.add("a", -2, made("a")));
    assertErrno(22, "EINVAL: channel 40 is out of range 0-31", () -> table.byChannel(40));
    assertThat(table.size()).isZero();
  }

  @Test
  void sameSocketTwiceIsEexistCheckedBeforeTheChannel() {
    Object socket = new Object();
    table.add(socket, 0, made(socket));
    // Channel 0 is busy and 99 out of range, yet the duplicate is what is reported, as in libknet.
    String duplicate = "EEXIST: the socket is already in the pool as datafd 1 on channel 0";
    assertErrno(17, duplicate, () -> table.add(socket, 0, made(socket)));
    assertErrno(17, duplicate, () -> table.add(socket, 99, made(socket)));
  }

  @Test
  void unknownDatafdIsEinvalAndASecondRemoveToo() {
    assertErrno(22, "EINVAL: datafd 7 is not in the pool", () -> table.remove(7));
    long datafd = table.add("a", -1, made("a")).datafd();
    assertThat(table.remove(datafd).socket()).isEqualTo("a");
    assertErrno(22, "EINVAL: datafd 1 is not in the pool", () -> table.remove(datafd));
    assertErrno(22, "EINVAL: datafd 1 is not in the pool", () -> table.byDatafd(datafd));
  }

  @Test
  void getDatafdAndGetChannel() {
    Made entry = table.add("a", 9, made("a"));
    assertThat(table.byChannel(9)).isEqualTo(entry);
    assertThat(table.byDatafd(entry.datafd()).channel()).isEqualTo(9);
    assertErrno(22, "EINVAL: channel 8 has no socket", () -> table.byChannel(8));
  }

  @Test
  void datafdsAreNeverReused() {
    long first = table.add("a", 0, made("a")).datafd();
    table.remove(first);
    long second = table.add("a", 0, made("a")).datafd();
    assertThat(second).isEqualTo(first + 1);
  }

  @Test
  void replaceSwapsOnTheSameChannelWithANewDatafd() {
    table.add("old", 4, made("old"));
    Made swapped = table.replace(4, "new", made("new"));
    assertThat(swapped).isEqualTo(new Made(2, 4, "new"));
    assertThat(table.find("old")).isNull();
    assertThat(table.byChannel(4).socket()).isEqualTo("new");
    assertErrno(22, "EINVAL: channel 5 has no socket", () -> table.replace(5, "other", made("other")));
    assertErrno(17, "EEXIST: the socket is already in the pool as datafd 2 on channel 4",
        () -> table.replace(4, "new", made("new")));
    assertThat(table.entries()).containsExactly(new Made(2, 4, "new"));
  }

  @Test
  void moreChannelsForWatchOnlyPools() {
    DatafdTable<Object, Made> wide = new DatafdTable<>(10_000);
    for (int i = 0; i < 10_000; i++) {
      Object socket = i;
      wide.add(socket, -1, made(socket));
    }
    assertThat(wide.byChannel(9_999).datafd()).isEqualTo(10_000);
    assertErrno(16, "EBUSY: all 10000 channels are in use", () -> wide.add("x", -1, made("x")));
  }

  @Test
  void aSocketThePoolMadeHasAChannelAndADatafdButNoApplicationSocket() {
    table.add("a", 0, made("a"));
    Made own = table.addOwn(-1, made(null));
    assertThat(own).isEqualTo(new Made(2, 1, null));
    assertThat(table.byChannel(1)).isSameAs(own);
    assertThat(table.find(null)).isNull();
    assertThat(table.remove(2)).isSameAs(own);
    assertThat(table.entries()).containsExactly(new Made(1, 0, "a"));
    assertThatThrownBy(() -> table.addOwn(-1, made("b"))).isInstanceOf(IllegalStateException.class)
        .hasMessage("datafd 3 was made for another socket than the one added");
  }

  @Test
  void anEntryMadeForAnotherSocketIsAFaultOfTheCaller() {
    assertThatThrownBy(() -> table.add("a", 0, made("b"))).isInstanceOf(IllegalStateException.class)
        .hasMessage("datafd 1 was made for another socket than the one added");
  }

  private static void assertErrno(int errno, String message, Executable call) {
    HooknetException e = catchThrowableOfType(HooknetException.class, call::execute);
    assertThat(e).as(message).isNotNull();
    assertThat(e.errno()).isEqualTo(errno);
    assertThat(e.getMessage()).isEqualTo(message);
  }
}
