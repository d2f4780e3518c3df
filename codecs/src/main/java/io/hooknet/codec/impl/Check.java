package io.hooknet.codec.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;

/** Field checks for the message records: each failure is an {@code EINVAL} that names the field. */
public final class Check {

  private Check() {
  }

  public static <T> T required(String field, T value) {
    if (value == null) {
      throw invalid(field, "is missing");
    }
    return value;
  }

  public static String name(String field, String value) {
    required(field, value);
    if (value.isBlank()) {
      throw invalid(field, "must not be blank");
    }
    return value;
  }

  public static String optionalName(String field, String value) {
    return value == null ? null : name(field, value);
  }

  public static long positive(String field, long value) {
    if (value <= 0) {
      throw invalid(field, "must be positive, not " + value);
    }
    return value;
  }

  public static long notNegative(String field, long value) {
    if (value < 0) {
      throw invalid(field, "must not be negative, not " + value);
    }
    return value;
  }

  public static int oneOf(String field, int value, int... allowed) {
    for (int a : allowed) {
      if (a == value) {
        return value;
      }
    }
    throw invalid(field, "must be one of " + java.util.Arrays.toString(allowed) + ", not " + value);
  }

  public static HooknetException invalid(String field, String problem) {
    return new HooknetException(Errno.EINVAL, "field '" + field + "' " + problem);
  }
}
