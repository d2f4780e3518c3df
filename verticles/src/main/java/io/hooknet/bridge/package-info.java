/**
 * The event bus bridges for polyglot clients: TCP and SockJS, on one deny-by-default permission model with a
 * command token.
 */
package io.hooknet.bridge;
