package io.github.dysession.codec;

/** Thrown when a value cannot be encoded or stored bytes cannot be decoded. */
public final class CodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the attribute and the class, never the value. */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message naming the attribute and the class, never the value. */
  public CodecException(String message) {
    super(message);
  }
}
