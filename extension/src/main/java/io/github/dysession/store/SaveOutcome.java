package io.github.dysession.store;

import io.github.dysession.store.SessionStore.SaveResult;
import java.util.Objects;

/**
 * What {@link SessionStore#save} did, and the session as that save left it.
 *
 * @param result whether the changes were written, skipped or lost
 * @param stored for {@link SaveResult#WRITTEN}, the session as this save stored it: the base's
 *     attributes with the changes applied, and the version the stored item has after the save's
 *     last write, as far as the store knows it (see {@link #written}); for {@link
 *     SaveResult#SKIPPED}, the unchanged base; null for {@link SaveResult#GONE}
 */
public record SaveOutcome(SaveResult result, SessionData stored) {

  public SaveOutcome {
    Objects.requireNonNull(result, "result");
    if ((result == SaveResult.GONE) != (stored == null)) {
      throw new IllegalArgumentException(
          result + " with stored=" + (stored == null ? "null" : "a session"));
    }
  }

  /**
   * The changes were written; {@code stored} carries the version the store read back or counted. A
   * store that cannot know of writes of other requests that landed in between reports a lower
   * version, never a higher one: the next save's condition then fails once and re-reads the item,
   * where a higher one could let a late write pass.
   */
  public static SaveOutcome written(SessionData stored) {
    return new SaveOutcome(SaveResult.WRITTEN, stored);
  }

  /** Nothing needed writing: the session is stored as {@code base}. */
  public static SaveOutcome skipped(SessionData base) {
    return new SaveOutcome(SaveResult.SKIPPED, base);
  }

  /** The session had been deleted or had expired: nothing was written. */
  public static SaveOutcome gone() {
    return new SaveOutcome(SaveResult.GONE, null);
  }
}
