package io.github.dysession.servlet;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.codec.CodecException;
import io.github.dysession.store.OperationsListener;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The state of one session in one request: what the store holds (the stored bytes of each
 * attribute), what the request decoded or set (values), what it must write back, the interval and
 * the login. {@link DysessionHttpSession} is the {@code HttpSession} face of it.
 *
 * <p>Values are decoded when first read. At save time every value the request set or read is
 * encoded again (by the caller, see {@link #valuesToEncode()}) and written only if its bytes
 * changed, so in-place changes to a value are saved without {@code setAttribute}. Stored values
 * that cannot be decoded are hidden from the application but kept in the store, so that an instance
 * that can still read them (during a rolling upgrade) loses nothing.
 *
 * <p>Thread-safe: every method holds this object's monitor, which guards all of its fields, for the
 * time of its own work only. No method calls the store, a listener or other application callbacks;
 * decoding a stored value (in {@link #read}) is the only place where application code (a {@code
 * readObject}) can run under that monitor.
 */
final class SessionAttributes {

  private static final Logger LOG = Logger.getLogger(SessionAttributes.class.getName());

  /** Values of these classes cannot change in place: bytes encoded once stay right. */
  private static final Set<Class<?>> IMMUTABLE =
      Set.of(
          String.class,
          Boolean.class,
          Integer.class,
          Long.class,
          Short.class,
          Byte.class,
          Double.class,
          Float.class,
          Character.class,
          BigDecimal.class,
          BigInteger.class);

  private final AttributeCodec codec;
  private SessionData stored;
  private Duration maxInactiveInterval;
  private SessionLogin login;
  private boolean persisted;

  /** What the store holds: the stored session's own (unmodifiable) map, replaced at each save. */
  private Map<String, byte[]> storedBytes;

  private final Map<String, Object> values = new HashMap<>();
  private final Set<String> names;
  private final Set<String> setThisRequest = new HashSet<>();
  private final Set<String> unreadable = new HashSet<>();
  private final OperationsListener operations;

  /** Encodings of the values set in this request, for the size check and to reuse at save. */
  private final Map<String, byte[]> pendingBytes = new HashMap<>();

  /** Whether a size check passed since the session was loaded and its login last changed. */
  private boolean withinLimit;

  SessionAttributes(
      SessionData stored, boolean persisted, AttributeCodec codec, OperationsListener operations) {
    this.operations = operations;
    this.codec = codec;
    this.stored = stored;
    this.persisted = persisted;
    this.maxInactiveInterval = stored.maxInactiveInterval();
    this.login = stored.login();
    this.storedBytes = stored.attributes();
    this.names = new LinkedHashSet<>(stored.attributes().keySet());
  }

  /** A value read: {@code decoded} when this read decoded it from the store (activation is due). */
  record Read(Object value, boolean decoded) {
    static final Read NONE = new Read(null, false);
  }

  /**
   * A value to encode for a save: {@code reuse}, when not null, are its bytes from {@code
   * setAttribute}, right as they are (an immutable value); {@code fallback} are its stored bytes,
   * to keep if it can no longer be encoded (null: none).
   */
  @SuppressWarnings(
      "ArrayRecordComponent") // A carrier from one method to the next, never compared.
  record ToEncode(String name, Object value, byte[] reuse, byte[] fallback) {}

  synchronized String id() {
    return stored.id();
  }

  synchronized SessionData stored() {
    return stored;
  }

  synchronized boolean isPersisted() {
    return persisted;
  }

  synchronized Duration maxInactiveInterval() {
    return maxInactiveInterval;
  }

  synchronized void setMaxInactiveInterval(Duration interval) {
    maxInactiveInterval = interval;
  }

  synchronized SessionLogin login() {
    return login;
  }

  synchronized void setLogin(SessionLogin caller) {
    login = caller;
    withinLimit = false;
  }

  /** Records that the session with the value just checked fits the size limit. */
  synchronized void checkedWithinLimit() {
    withinLimit = true;
  }

  synchronized void changeId(String newId) {
    stored = stored.withId(newId);
  }

  /** Returns the names of the attributes that have (or may have, undecoded) a value. */
  synchronized Set<String> names() {
    return new LinkedHashSet<>(names);
  }

  synchronized boolean contains(String name) {
    return names.contains(name);
  }

  /**
   * Returns the value of {@code name}, decoding it from the stored bytes at its first read. A
   * stored value that cannot be decoded is logged, hidden and kept in the store.
   */
  synchronized Read read(String name) {
    if (name == null || !names.contains(name)) {
      return Read.NONE;
    }
    Object value = values.get(name);
    if (value != null) {
      return new Read(value, false);
    }
    byte[] bytes = storedBytes.get(name);
    if (bytes == null) {
      return Read.NONE;
    }
    try {
      value = codec.decode(name, bytes);
    } catch (CodecException e) {
      LOG.log(
          Level.SEVERE,
          "Session "
              + SessionIds.fingerprint(stored.id())
              + ": "
              + e.getMessage()
              + "; the attribute is dropped and the rest of the session is served");
      names.remove(name);
      unreadable.add(name);
      operations.valueDropped();
      return Read.NONE;
    }
    values.put(name, value);
    return new Read(value, true);
  }

  /**
   * Returns the session as it would be stored with {@code name} set to the bytes {@code encoded},
   * for the size check before a value is accepted.
   */
  synchronized SessionData withPending(String name, byte[] encoded, Instant accessTime) {
    Map<String, byte[]> bytes = currentBytes();
    bytes.put(name, encoded);
    return new SessionData(
        stored.id(),
        stored.creationTime(),
        accessTime,
        maxInactiveInterval,
        stored.version(),
        bytes,
        login);
  }

  /**
   * Whether the session must be checked against the size limit before {@code name} is set to the
   * bytes {@code encoded}: unless a check passed since it was loaded and its login last changed
   * (the stored session may exceed a limit lowered since, a login adds bytes unchecked), and the
   * value is not new and not longer than the one it replaces.
   */
  synchronized boolean needsSizeCheck(String name, byte[] encoded) {
    if (!withinLimit || !names.contains(name)) {
      return true;
    }
    byte[] now = pendingBytes.containsKey(name) ? pendingBytes.get(name) : storedBytes.get(name);
    return now == null || encoded.length > now.length;
  }

  /** Sets {@code name} to {@code value}, whose encoding is {@code encoded}. */
  synchronized void set(String name, Object value, byte[] encoded) {
    unreadable.remove(name);
    pendingBytes.put(name, encoded);
    values.put(name, value);
    names.add(name);
    setThisRequest.add(name);
  }

  /** Forgets an undecodable stored value of {@code name}; returns whether there was one. */
  synchronized boolean dropUnreadable(String name) {
    return unreadable.remove(name);
  }

  /** Removes {@code name}; returns its value (null if it had none or it was undecodable). */
  synchronized Read remove(String name) {
    if (!names.contains(name)) {
      return Read.NONE;
    }
    Read old = read(name);
    names.remove(name);
    values.remove(name);
    setThisRequest.remove(name);
    pendingBytes.remove(name);
    return old;
  }

  /**
   * Returns the values a save must encode: every value set or read in this request, except values
   * of immutable classes that were only read.
   */
  synchronized List<ToEncode> valuesToEncode() {
    List<ToEncode> list = new ArrayList<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      boolean immutable = IMMUTABLE.contains(value.getClass());
      if (immutable && storedBytes.get(name) != null && !setThisRequest.contains(name)) {
        continue;
      }
      list.add(
          new ToEncode(
              name, value, immutable ? pendingBytes.get(name) : null, storedBytes.get(name)));
    }
    return list;
  }

  /**
   * Returns what this request changed, given the encodings of {@link #valuesToEncode()} (a null
   * encoding: keep what is stored): values whose bytes changed, values removed, the interval, the
   * access time and the login.
   */
  synchronized SessionChanges changes(Map<String, byte[]> encoded, Instant accessTime) {
    Map<String, byte[]> set = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : encoded.entrySet()) {
      String name = e.getKey();
      byte[] now = e.getValue();
      byte[] before = storedBytes.get(name);
      if (names.contains(name) && now != null && (before == null || !Arrays.equals(before, now))) {
        set.put(name, now);
      }
    }
    Set<String> removed = new LinkedHashSet<>(storedBytes.keySet());
    removed.removeAll(names);
    removed.removeAll(unreadable);
    return new SessionChanges(stored, accessTime, maxInactiveInterval, set, removed, login);
  }

  /** Returns the full session as it would be stored now, for a first write. */
  synchronized SessionData toNewData(Map<String, byte[]> encoded, Instant accessTime) {
    Map<String, byte[]> attributes = new LinkedHashMap<>(storedBytes);
    attributes.keySet().retainAll(names);
    for (Map.Entry<String, byte[]> e : encoded.entrySet()) {
      if (names.contains(e.getKey())) {
        attributes.put(e.getKey(), e.getValue());
      }
    }
    attributes.values().removeIf(v -> v == null);
    return new SessionData(
        stored.id(), stored.creationTime(), accessTime, maxInactiveInterval, 0, attributes, login);
  }

  /** Records that the session was written as {@code data}: later saves write only newer changes. */
  synchronized void saved(SessionData data) {
    stored = data;
    persisted = true;
    for (Map.Entry<String, byte[]> e : data.attributes().entrySet()) {
      // A value set again after the snapshot was taken still differs, so it is written next time.
      byte[] pending = pendingBytes.get(e.getKey());
      if (pending == null || Arrays.equals(pending, e.getValue())) {
        setThisRequest.remove(e.getKey());
        pendingBytes.remove(e.getKey());
      }
    }
    storedBytes = data.attributes();
  }

  private Map<String, byte[]> currentBytes() {
    Map<String, byte[]> bytes = new HashMap<>(storedBytes);
    bytes.keySet().retainAll(names);
    for (String name : unreadable) {
      byte[] b = storedBytes.get(name);
      if (b != null) {
        bytes.put(name, b);
      }
    }
    bytes.putAll(pendingBytes);
    return bytes;
  }
}
