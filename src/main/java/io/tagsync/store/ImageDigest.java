package io.tagsync.store;

/** The first 16 bytes of an image update's SHA-256, as two numbers (big-endian): what the sync state keeps. */
public record ImageDigest(long high, long low) {}
