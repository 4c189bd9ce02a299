package io.github.dysession.store.dynamodb;

import io.github.dysession.store.SessionStoreException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * DynamoDB refused a request itself (HTTP 400 {@code ValidationException}): not an outage. The
 * store tells the causes it can repair or report (an item without its attribute map, an item that
 * would pass DynamoDB's size limit) by the item's state, never by the message's text.
 */
final class DynamoDbRefusedException extends SessionStoreException {

  private static final long serialVersionUID = 1L;

  DynamoDbRefusedException(String message, DynamoDbException cause) {
    super(message, cause);
  }
}
