/**
 * Socket pools with fault notification: the kronosnet datafd pool and
 * {@code knet_handle_enable_sock_notify(3)} on a Vert.x event loop. Faults are published as
 * {@link io.hooknet.codec.SockEvent}s on {@code hooknet.sock.events}.
 */
package io.hooknet.sockets;
