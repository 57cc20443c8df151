package io.farcall.demo.api;

/** A ping's answer: which provider process answered it. */
public record Pong(String provider, long pid) {}
