package io.hooknet.sockets.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hooknet.codec.HooknetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Ports of libknet's API tests for add/remove/get_datafd/get_channel (api_knet_handle_add_datafd.c and
 * friends) at the level of the table: each errno path, the 32-slot fill, lowest free channel.
 */
class DatafdTableTest {

  private final DatafdTable<Object> table = new DatafdTable<>(32);

  @Test
  void autoChannelIsTheLowestFree() {
    assertThat(table.add("a", -1).channel()).isEqualTo(0);
    assertThat(table.add("b", -1).channel()).isEqualTo(1);
    assertThat(table.add("c", 5).channel()).isEqualTo(5);
    table.remove(table.find("a").datafd());
    assertThat(table.add("d", -1).channel()).isEqualTo(0);
    assertThat(table.add("e", -1).channel()).isEqualTo(2);
  }

  @Test
  void fillAll32ThenThe33rdIsEbusy() {
    for (int i = 0; i < 32; i++) {
      DatafdTable.Entry<Object> entry = table.add("s" + i, -1);
      assertThat(entry.channel()).isEqualTo(i);
      assertThat(entry.datafd()).isEqualTo(i + 1);
    }
    assertErrno(16, "EBUSY: all 32 channels are in use", () -> table.add("s32", -1));
    assertThat(table.size()).isEqualTo(32);
  }

  @Test
  void busyChannelIsEbusy() {
    table.add("a", 3);
    assertErrno(16, "EBUSY: channel 3 is in use by datafd 1", () -> table.add("b", 3));
  }

  @Test
  void channelOutOfRangeIsEinval() {
    assertErrno(22, "EINVAL: channel 32 is out of range 0-31", () -> table.add("a", 32));
    assertErrno(22, "EINVAL: channel -2 is out of range 0-31", () -> table.add("a", -2));
    assertErrno(22, "EINVAL: channel 40 is out of range 0-31", () -> table.byChannel(40));
    assertThat(table.size()).isZero();
  }

  @Test
  void sameSocketTwiceIsEexistCheckedBeforeTheChannel() {
    Object socket = new Object();
    table.add(socket, 0);
    // Channel 0 is busy and 99 out of range, yet the duplicate is what is reported, as in libknet.
    assertErrno(17, "EEXIST: the socket is already in the pool as datafd 1 on channel 0", () -> table.add(socket, 0));
    assertErrno(17, "EEXIST: the socket is already in the pool as datafd 1 on channel 0", () -> table.add(socket, 99));
  }

  @Test
  void unknownDatafdIsEinvalAndASecondRemoveToo() {
    assertErrno(22, "EINVAL: datafd 7 is not in the pool", () -> table.remove(7));
    long datafd = table.add("a", -1).datafd();
    assertThat(table.remove(datafd).socket()).isEqualTo("a");
    assertErrno(22, "EINVAL: datafd 1 is not in the pool", () -> table.remove(datafd));
    assertErrno(22, "EINVAL: datafd 1 is not in the pool", () -> table.byDatafd(datafd));
  }

  @Test
  void getDatafdAndGetChannel() {
    DatafdTable.Entry<Object> entry = table.add("a", 9);
    assertThat(table.byChannel(9)).isEqualTo(entry);
    assertThat(table.byDatafd(entry.datafd()).channel()).isEqualTo(9);
    assertErrno(22, "EINVAL: channel 8 has no socket", () -> table.byChannel(8));
  }

  @Test
  void datafdsAreNeverReused() {
    long first = table.add("a", 0).datafd();
    table.remove(first);
    long second = table.add("a", 0).datafd();
    assertThat(second).isEqualTo(first + 1);
  }

  @Test
  void replaceSwapsOnTheSameChannelWithANewDatafd() {
    table.add("old", 4);
    DatafdTable.Entry<Object> swapped = table.replace(4, "new");
    assertThat(swapped).isEqualTo(new DatafdTable.Entry<>(2, 4, "new"));
    assertThat(table.find("old")).isNull();
    assertThat(table.byChannel(4).socket()).isEqualTo("new");
    assertErrno(22, "EINVAL: channel 5 has no socket", () -> table.replace(5, "other"));
    assertErrno(17, "EEXIST: the socket is already in the pool as datafd 2 on channel 4", () -> table.replace(4, "new"));
    assertThat(table.entries()).containsExactly(new DatafdTable.Entry<>(2, 4, "new"));
  }

  @Test
  void moreChannelsForWatchOnlyPools() {
    DatafdTable<Object> wide = new DatafdTable<>(10_000);
    for (int i = 0; i < 10_000; i++) {
      wide.add(i, -1);
    }
    assertThat(wide.byChannel(9_999).datafd()).isEqualTo(10_000);
    assertErrno(16, "EBUSY: all 10000 channels are in use", () -> wide.add("x", -1));
  }

  private static void assertErrno(int errno, String message, Executable call) {
    HooknetException e = catchThrowableOfType(HooknetException.class, call::execute);
    assertThat(e).as(message).isNotNull();
    assertThat(e.errno()).isEqualTo(errno);
    assertThat(e.getMessage()).isEqualTo(message);
  }
}
