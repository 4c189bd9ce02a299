package io.github.dysession.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The DynamoDB part of the dysession settings: all that the store, its table administration and its
 * client need, and nothing else. Taken from {@link DysessionSettings#dynamoDb()}.
 *
 * @param tableName the DynamoDB table that holds the sessions
 * @param partitionKeyName the name of the table's partition key attribute (a string)
 * @param sortKeyName the name of the table's sort key attribute (a string)
 * @param ttlAttributeName the attribute holding the expiry instant in epoch seconds
 * @param cachePeriod the max inactive interval of an item that records none
 * @param region the AWS region of the table
 * @param endpoint an endpoint override, or {@code null} for the region's AWS endpoint
 * @param touchInterval how long a read-only session goes without a write of its access time
 * @param consistentReads whether sessions are read with strongly consistent reads
 * @param keyPrefix a prefix put before every session id in the partition key
 * @param maxSessionBytes the largest item a session may occupy
 * @param apiCallTimeout the time limit of one DynamoDB call, retries included
 * @param apiCallAttemptTimeout the time limit of one attempt of a DynamoDB call
 * @param maxRetries how often the SDK retries a failed or throttled call
 */
public record DynamoDbSettings(
    String tableName,
    String partitionKeyName,
    String sortKeyName,
    String ttlAttributeName,
    Duration cachePeriod,
    String region,
    URI endpoint,
    Duration touchInterval,
    boolean consistentReads,
    String keyPrefix,
    int maxSessionBytes,
    Duration apiCallTimeout,
    Duration apiCallAttemptTimeout,
    int maxRetries) {

  /** Checks that every value is present; {@link DysessionSettings#from} validated them. */
  public DynamoDbSettings {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(partitionKeyName, "partitionKeyName");
    Objects.requireNonNull(sortKeyName, "sortKeyName");
    Objects.requireNonNull(ttlAttributeName, "ttlAttributeName");
    Objects.requireNonNull(cachePeriod, "cachePeriod");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(touchInterval, "touchInterval");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
    Objects.requireNonNull(apiCallAttemptTimeout, "apiCallAttemptTimeout");
  }
}
