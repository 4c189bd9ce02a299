package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.SessionStoreException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Turns AWS SDK failures into {@link SessionStoreException}s with messages that say what to do, and
 * logs one line when DynamoDB becomes unavailable and one when it is back, not one per request.
 */
final class DynamoDbErrors {

  private static final Logger LOG = Logger.getLogger(DynamoDbSessionStore.class.getName());

  private final DynamoDbSettings settings;
  private final AtomicLong failuresInOutage = new AtomicLong();

  DynamoDbErrors(DynamoDbSettings settings) {
    this.settings = settings;
  }

  /**
   * Runs one call on a secondary index as {@link #call} does; a refusal that names an index (the
   * table lacks it) becomes a {@link io.github.dysession.store.MissingIndexException} with the
   * message {@code missingIndex}.
   */
  <T> T callOnIndex(String action, String missingIndex, Supplier<T> call) {
    try {
      return call(action, call);
    } catch (DynamoDbRefusedException e) {
      if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("index")) {
        throw new io.github.dysession.store.MissingIndexException(missingIndex, e);
      }
      throw e;
    }
  }

  /**
   * Runs one DynamoDB call: the one place where the SDK's failures are translated, by exception
   * type and error code. {@link ConditionalCheckFailedException} passes through for the caller; a
   * request DynamoDB refuses becomes a {@link DynamoDbRefusedException}; everything else a {@link
   * SessionStoreException}, logged once per outage.
   */
  <T> T call(String action, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (ConditionalCheckFailedException e) {
      recovered();
      throw e;
    } catch (ResourceNotFoundException e) {
      throw failed(
          action,
          "table '"
              + settings.tableName()
              + "' does not exist in region "
              + settings.region()
              + "; create it with the dysession CLI's init command or set "
              + DysessionSettings.CREATE_TABLE
              + "=true",
          e);
    } catch (DynamoDbException e) {
      if (isValidation(e)) {
        // A request the table refuses (item too large, bad document path) is not an outage.
        recovered();
        throw new DynamoDbRefusedException(
            "Could not " + action + ": DynamoDB refused the request: " + message(e), e);
      }
      if (e.isThrottlingException()) {
        throw failed(
            action,
            "DynamoDB throttled the request beyond "
                + settings.maxRetries()
                + " retries ("
                + e.awsErrorDetails().errorCode()
                + "); raise the table's capacity or "
                + DysessionSettings.MAX_RETRIES,
            e);
      }
      String code = e.awsErrorDetails() == null ? "unknown" : e.awsErrorDetails().errorCode();
      throw failed(
          action, "DynamoDB answered " + e.statusCode() + " " + code + ": " + message(e), e);
    } catch (SdkClientException e) {
      throw failed(
          action,
          "DynamoDB at "
              + (settings.endpoint() == null ? settings.region() : settings.endpoint())
              + " could not be reached within "
              + settings.apiCallTimeout().toMillis()
              + " ms ("
              + e.getClass().getSimpleName()
              + "); check the network, the endpoint and "
              + DysessionSettings.API_CALL_TIMEOUT,
          e);
    } catch (SdkException e) {
      throw failed(action, "the AWS SDK failed: " + e.getMessage(), e);
    }
    recovered();
    return result;
  }

  /** Returns whether DynamoDB refused the request itself (HTTP 400 ValidationException). */
  private static boolean isValidation(DynamoDbException e) {
    return e.awsErrorDetails() != null
        && "ValidationException".equals(e.awsErrorDetails().errorCode());
  }

  /** Returns the error message DynamoDB gave, or an empty string. */
  private static String message(DynamoDbException e) {
    String m = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return m == null ? "" : m;
  }

  private SessionStoreException failed(String action, String reason, Exception cause) {
    String message = "Could not " + action + ": " + reason;
    if (failuresInOutage.getAndIncrement() == 0) {
      LOG.severe(message);
    }
    return new SessionStoreException(message, cause);
  }

  private void recovered() {
    long failures = failuresInOutage.getAndSet(0);
    if (failures > 0) {
      LOG.info(
          () ->
              "DynamoDB calls succeed again after "
                  + failures
                  + " failed "
                  + (failures == 1 ? "call" : "calls"));
    }
  }
}
