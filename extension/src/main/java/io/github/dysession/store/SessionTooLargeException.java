package io.github.dysession.store;

import java.util.List;

/** Thrown when a session would exceed the size limit; the stored session stays unchanged. */
public final class SessionTooLargeException extends SessionStoreException {

  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param id the session id (only its fingerprint appears in the message)
   * @param size the size the session would have, in bytes
   * @param limit the limit in bytes
   * @param largest the names of the largest attributes with their sizes, largest first
   */
  public SessionTooLargeException(String id, long size, long limit, List<String> largest) {
    super(
        "Session "
            + SessionIds.fingerprint(id)
            + " would take "
            + size
            + " bytes, over the limit of "
            + limit
            + " bytes (dysession.max-session-bytes, at most DynamoDB's 400 KB item size); "
            + "the change was not saved. Largest attributes: "
            + String.join(", ", largest)
            + ". Store less in the session, or keep large data elsewhere and put its key in the"
            + " session.");
    this.size = size;
    this.limit = limit;
  }

  /** Returns the size the session would have had, in bytes. */
  public long size() {
    return size;
  }

  /** Returns the limit in bytes. */
  public long limit() {
    return limit;
  }
}
