package io.github.dysession.codec;

import io.github.dysession.store.SessionIds;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Turns session attribute values into bytes and back.
 *
 * <p>JSON-friendly values (strings, numbers, booleans, enums, records, and lists, sets and
 * string-keyed maps of them) are written as JSON-B with a type descriptor, so they decode to equal
 * objects of the same classes. Other {@link Serializable} values use Java serialization, read back
 * only through an allow-list. Encodings larger than {@value #COMPRESSION_THRESHOLD} bytes are
 * deflated when that saves space.
 *
 * <p>Format: one tag byte, then the payload. {@code 0x01}: descriptor, {@code 0x00}, JSON (UTF-8).
 * {@code 0x02}: a Java serialization stream. {@code 0x03}: a deflated encoding of either kind.
 */
public final class AttributeCodec {

  /** Encodings larger than this many bytes are compressed when that makes them smaller. */
  public static final int COMPRESSION_THRESHOLD = 1024;

  private static final byte JSON = 0x01;
  private static final byte JAVA = 0x02;
  private static final byte DEFLATED = 0x03;
  private static final int MAX_INFLATED = 16 * 1024 * 1024;
  private static final Logger LOG = Logger.getLogger(AttributeCodec.class.getName());

  private final Jsonb jsonb;
  private final ClassLoader classLoader;
  private final SerializationFilter filter;
  private final List<ClassLoader> frameworkLoaders;

  /**
   * Creates a codec.
   *
   * @param jsonb the JSON-B instance to use (thread-safe; the caller closes it)
   * @param classLoader the application's class loader, used to resolve classes and to recognise the
   *     application's own classes
   * @param allowedClasses extra class patterns Java deserialization may instantiate
   */
  public AttributeCodec(Jsonb jsonb, ClassLoader classLoader, List<String> allowedClasses) {
    this(jsonb, classLoader, allowedClasses, List.of());
  }

  /**
   * Creates a codec that also resolves classes in the loaders of the server's frameworks.
   *
   * @param frameworkLoaders loaders tried after the application's and those of the value's own
   *     classes: the CDI implementation's, whose conversation objects an application's loader
   *     cannot load on some servers (Open Liberty). The allow-list judges their classes as any
   *     others.
   */
  public AttributeCodec(
      Jsonb jsonb,
      ClassLoader classLoader,
      List<String> allowedClasses,
      List<ClassLoader> frameworkLoaders) {
    this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    this.filter = new SerializationFilter(classLoader, allowedClasses);
    this.frameworkLoaders = List.copyOf(frameworkLoaders);
  }

  /**
   * Encodes one attribute value.
   *
   * @throws IllegalArgumentException when the value is neither JSON-friendly nor serializable; the
   *     message names the attribute and the offending class, never the value
   */
  public byte[] encode(String name, Object value) {
    Objects.requireNonNull(value, "value");
    byte[] plain = encodePlain(name, value);
    if (plain.length <= COMPRESSION_THRESHOLD) {
      return plain;
    }
    byte[] deflated = deflate(plain);
    return deflated.length < plain.length ? deflated : plain;
  }

  /**
   * The failure to store {@code value}: names the attribute and the value's class, never the value.
   */
  private static IllegalArgumentException unstorable(
      String name, Object value, String why, Exception cause) {
    return new IllegalArgumentException(
        "Session attribute '" + name + "' holds a " + value.getClass().getName() + why, cause);
  }

  private byte[] encodePlain(String name, Object value) {
    byte[] scalar = ScalarJson.encode(value);
    if (scalar != null) {
      return scalar;
    }
    String descriptor = JsonType.describe(value);
    if (descriptor != null) {
      try {
        byte[] d = descriptor.getBytes(StandardCharsets.UTF_8);
        byte[] json = utf8Strict(jsonb.toJson(value));
        byte[] out = new byte[1 + d.length + 1 + json.length];
        out[0] = JSON;
        System.arraycopy(d, 0, out, 1, d.length);
        out[1 + d.length] = 0;
        System.arraycopy(json, 0, out, 2 + d.length, json.length);
        return out;
      } catch (JsonbException | CharacterCodingException e) {
        // Java serialization keeps every Serializable value, lone surrogates and NaN included.
        if (!(value instanceof Serializable)) {
          throw unstorable(
              name,
              value,
              " that could not be written as JSON ("
                  + e.getClass().getSimpleName()
                  + ") and is not Serializable; make the class implement java.io.Serializable",
              e);
        }
      }
    }
    if (!(value instanceof Serializable)) {
      throw unstorable(
          name,
          value,
          ", which is not Serializable and not a JSON value; make the class implement"
              + " java.io.Serializable, or store a public record, String, number, boolean, enum,"
              + " or a List/Set/Map of those",
          null);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    bytes.write(JAVA);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw unstorable(
          name,
          value,
          " that refers to a "
              + e.getMessage()
              + ", which is not Serializable; make that class Serializable or mark the field"
              + " transient",
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Session attribute '"
              + name
              + "' holds a "
              + value.getClass().getName()
              + " that could not be serialized: "
              + e.getClass().getSimpleName(),
          e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes one attribute value.
   *
   * @throws CodecException when the bytes are corrupt, a class is missing or changed, or the
   *     allow-list refuses a class; the message names the attribute, never the value
   */
  public Object decode(String name, byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new CodecException("Attribute '" + name + "' is empty");
    }
    byte[] data = bytes[0] == DEFLATED ? inflate(name, bytes) : bytes;
    return switch (data[0]) {
      case JSON -> decodeJson(name, data);
      case JAVA -> decodeJava(name, data);
      default ->
          throw new CodecException(
              "Attribute '"
                  + name
                  + "' has unknown format tag "
                  + (data[0] & 0xff)
                  + "; it was not written by this version of dysession");
    };
  }

  /**
   * Decodes every attribute of a session. An attribute that cannot be decoded is left out with one
   * error line; the others are returned.
   */
  public Map<String, Object> decodeAll(String sessionId, Map<String, byte[]> attributes) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
      try {
        result.put(e.getKey(), decode(e.getKey(), e.getValue()));
      } catch (CodecException ex) {
        LOG.log(
            Level.SEVERE,
            "Session "
                + SessionIds.fingerprint(sessionId)
                + ": "
                + ex.getMessage()
                + "; the attribute is dropped and the rest of the session is served");
      }
    }
    return result;
  }

  private Object decodeJson(String name, byte[] data) {
    Object scalar = ScalarJson.decode(data);
    if (scalar != null) {
      return scalar;
    }
    int zero = 1;
    while (zero < data.length && data[zero] != 0) {
      zero++;
    }
    if (zero == data.length) {
      throw new CodecException("Attribute '" + name + "' is corrupt: JSON encoding without type");
    }
    String descriptor = new String(data, 1, zero - 1, StandardCharsets.UTF_8);
    String json = new String(data, zero + 1, data.length - zero - 1, StandardCharsets.UTF_8);
    Type type;
    try {
      type = JsonType.toType(descriptor, classLoader, filter::isAllowed);
    } catch (SecurityException e) {
      throw new CodecException(
          "Attribute '"
              + name
              + "' refused: "
              + e.getMessage()
              + " (add a pattern to dysession.serialization.allowed-classes if it is safe)",
          e);
    } catch (ClassNotFoundException e) {
      throw missingClass(name, e);
    } catch (RuntimeException e) {
      throw new CodecException("Attribute '" + name + "' is corrupt: bad type descriptor", e);
    }
    try {
      Object value = jsonb.fromJson(json, type);
      if (value == null) {
        throw new CodecException("Attribute '" + name + "' is corrupt: JSON null");
      }
      return value;
    } catch (JsonbException | StackOverflowError e) {
      throw new CodecException(
          "Attribute '"
              + name
              + "' could not be read as "
              + descriptor
              + " (corrupt, or the class changed incompatibly)",
          e);
    }
  }

  private static CodecException missingClass(String name, ClassNotFoundException e) {
    return new CodecException(
        "Attribute '"
            + name
            + "' holds a class the application no longer has ("
            + e.getMessage()
            + ")",
        e);
  }

  private Object decodeJava(String name, byte[] data) {
    SerializationFilter.Recorder recorder = filter.recorder();
    try (ObjectInputStream in =
        new FilteredInputStream(
            new ByteArrayInputStream(data, 1, data.length - 1),
            classLoader,
            frameworkLoaders,
            recorder)) {
      return in.readObject();
    } catch (InvalidClassException e) {
      String reason =
          recorder.rejection() != null
              ? recorder.rejection()
              : "class " + e.classname + " changed incompatibly since it was stored";
      throw new CodecException("Attribute '" + name + "' refused: " + reason, e);
    } catch (ClassNotFoundException e) {
      throw missingClass(name, e);
    } catch (ClassCastException e) {
      // The JDK's message names classes and fields only, never a value: it says which class did not
      // fit where (a readResolve of a server's proxy that answers another type, say).
      throw new CodecException(
          "Attribute '" + name + "' is corrupt: ClassCastException: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new CodecException(
          "Attribute '" + name + "' is corrupt: " + e.getClass().getSimpleName(), e);
    }
  }

  private static byte[] utf8Strict(String text) throws CharacterCodingException {
    java.nio.ByteBuffer buffer =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .encode(java.nio.CharBuffer.wrap(text));
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static byte[] deflate(byte[] plain) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(plain);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 16);
      out.write(DEFLATED);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(String name, byte[] bytes) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(bytes, 1, bytes.length - 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 4);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new CodecException(
              "Attribute '" + name + "' is corrupt: truncated compressed data");
        }
        out.write(buffer, 0, n);
        if (out.size() > MAX_INFLATED) {
          throw new CodecException(
              "Attribute '" + name + "' inflates to more than " + MAX_INFLATED + " bytes; refused");
        }
      }
      byte[] data = out.toByteArray();
      if (data.length == 0 || data[0] == DEFLATED) {
        throw new CodecException("Attribute '" + name + "' is corrupt: bad compressed data");
      }
      return data;
    } catch (DataFormatException e) {
      throw new CodecException("Attribute '" + name + "' is corrupt: bad compressed data", e);
    } finally {
      inflater.end();
    }
  }

  /** Resolves classes with the application's loader and applies the allow-list. */
  /**
   * Resolves classes in the application's loader first, then in the loaders of the classes this
   * stream resolved so far (most recent first). A server's framework stores objects whose fields
   * hold classes of its own internal packages, which only its module's loader sees: MyFaces's
   * view-scope holder on Open Liberty holds Weld's bean identifiers and a lambda captured in a
   * MyFaces class the application cannot load. The allow-list filter checks every class whichever
   * loader defines it.
   */
  private static final class FilteredInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    /** Loaders of the classes resolved so far, besides the application's, most recent last. */
    private final java.util.ArrayList<ClassLoader> seen = new java.util.ArrayList<>(2);

    private final List<ClassLoader> frameworks;

    FilteredInputStream(
        InputStream in,
        ClassLoader loader,
        List<ClassLoader> frameworks,
        java.io.ObjectInputFilter filter)
        throws IOException {
      super(in);
      this.loader = loader;
      this.frameworks = frameworks;
      setObjectInputFilter(filter);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      return remember(load(desc.getName(), () -> super.resolveClass(desc)));
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces)
        throws IOException, ClassNotFoundException {
      Class<?>[] types = new Class<?>[interfaces.length];
      ClassLoader defining = loader;
      for (int i = 0; i < interfaces.length; i++) {
        String name = interfaces[i];
        types[i] = remember(load(name, () -> Class.forName(name, false, loader)));
        if (!visible(types[i], defining)) {
          defining = types[i].getClassLoader();
        }
      }
      @SuppressWarnings("deprecation")
      Class<?> proxy = Proxy.getProxyClass(defining, types);
      return proxy;
    }

    private interface Fallback {
      Class<?> load() throws IOException, ClassNotFoundException;
    }

    private Class<?> load(String name, Fallback last) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        for (int i = seen.size() - 1; i >= 0; i--) {
          try {
            return Class.forName(name, false, seen.get(i));
          } catch (ClassNotFoundException | LinkageError notThere) {
            // Try the next loader.
          }
        }
        for (ClassLoader framework : frameworks) {
          try {
            return Class.forName(name, false, framework);
          } catch (ClassNotFoundException | LinkageError notThere) {
            // Try the next loader.
          }
        }
        return last.load();
      }
    }

    private Class<?> remember(Class<?> type) {
      ClassLoader l = type.getClassLoader();
      if (l != null && l != loader && !seen.contains(l)) {
        seen.add(l);
      }
      return type;
    }

    private static boolean visible(Class<?> type, ClassLoader from) {
      try {
        return Class.forName(type.getName(), false, from) == type;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }
}
