package io.github.dysession.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * The codec's stored forms written by hand, without the codec: for tests that store what the codec
 * would refuse to write (gadgets, damaged streams) and check what it reads back. Shared with {@code
 * it/} through the test-jar.
 */
public final class CodecForms {

  /** The tag of the JSON form: {@code descriptor \0 json}. */
  public static final byte JSON = 0x01;

  /** The tag of the Java serialization form. */
  public static final byte JAVA = 0x02;

  /** The tag of the deflated form of another form. */
  public static final byte DEFLATED = 0x03;

  private CodecForms() {}

  /** The JSON form: tag, the type descriptor, a NUL, the JSON text. */
  public static byte[] json(String descriptor, String json) {
    return tagged(JSON, (descriptor + "\0" + json).getBytes(StandardCharsets.UTF_8));
  }

  /** The Java form: tag, then a serialization stream of {@code value}. */
  public static byte[] javaSerialized(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(JAVA);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /** The deflated form: tag, then {@code plain} (another form) deflated. */
  public static byte[] deflated(byte[] plain) {
    Deflater deflater = new Deflater();
    deflater.setInput(plain);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(DEFLATED);
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  /** {@code tag} followed by {@code body}. */
  public static byte[] tagged(byte tag, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = tag;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
