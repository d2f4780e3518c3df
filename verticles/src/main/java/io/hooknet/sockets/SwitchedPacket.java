package io.hooknet.sockets;

import io.vertx.core.buffer.Buffer;

/**
 * A packet that arrived from another node, with the node it came from: what libknet gives receivers with
 * {@code KNET_DATAFD_FLAG_RX_RETURN_INFO}. See {@link SocketPool#switchedPacketHandler}.
 *
 * @param sourceNode the node whose socket the packet was read from
 * @param channel    the channel it is delivered on here (after the destination filter)
 * @param payload    the packet; do not change it
 */
public record SwitchedPacket(String sourceNode, int channel, Buffer payload) {
}
