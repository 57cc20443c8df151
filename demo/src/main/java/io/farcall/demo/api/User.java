package io.farcall.demo.api;

/** A member of the demo's small social network. */
public record User(long id, String name) {}
