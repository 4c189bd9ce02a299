package io.github.dysession.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one pass of the expiry sweep found: the ids of sessions that expired, and how far the pass
 * got.
 *
 * @param ids the sessions found expired (never logged; see {@link SessionIds#fingerprint}), each
 *     still to be claimed with {@link SessionStore#claimExpired}: it may have been touched or
 *     claimed by another instance since
 * @param listedUntil every session that expired from the pass's start up to this instant is among
 *     {@code ids} (or was claimed before): the next pass starts here
 */
public record ExpiredSessions(List<String> ids, Instant listedUntil) {

  /** Checks the values and copies the list. */
  public ExpiredSessions {
    ids = List.copyOf(ids);
    Objects.requireNonNull(listedUntil, "listedUntil");
  }

  /** Returns a summary without the ids. */
  @Override
  public String toString() {
    return "ExpiredSessions[" + ids.size() + " sessions, listed until " + listedUntil + "]";
  }
}
