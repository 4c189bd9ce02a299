package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import io.github.dysession.config.DysessionSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/** Creates, describes and deletes the session table: the work behind the CLI's commands. */
public final class DynamoDbTableAdmin {

  private static final Logger LOG = Logger.getLogger(DynamoDbTableAdmin.class.getName());
  private static final Duration WAIT = Duration.ofMinutes(5);

  private final DynamoDbClient client;
  private final DynamoDbSettings settings;

  /** Creates the admin on a client the caller owns. */
  public DynamoDbTableAdmin(DynamoDbClient client, DynamoDbSettings settings) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** What {@link #create()} did. */
  public enum CreateResult {
    /** The table was created. */
    CREATED,
    /** The table existed already with the configured keys. */
    EXISTED
  }

  /** What {@link #enableTtl()} found. */
  public enum TtlResult {
    /** TTL is enabled on the configured attribute. */
    ENABLED,
    /**
     * The endpoint does not implement TTL (dynalite, for example); sessions expire on read only.
     */
    UNSUPPORTED
  }

  /**
   * A secondary index dysession keeps: its name, its partition key (a string attribute that only
   * the items it indexes carry), what it projects, what it serves and what stops working without
   * it.
   */
  private record Index(
      String name, String key, Projection projection, String serves, String without) {}

  private Index userIndex() {
    return new Index(
        SessionItem.USER_INDEX,
        SessionItem.USER,
        Projection.builder()
            .projectionType(ProjectionType.INCLUDE)
            .nonKeyAttributes(
                SessionItem.CREATED,
                SessionItem.ACCESSED,
                SessionItem.MAX_INACTIVE,
                settings.ttlAttributeName(),
                SessionItem.LOGIN)
            .build(),
        "of logged-in sessions",
        "listing and ending a user's sessions and the login limit do not");
  }

  private static Index expiryIndex() {
    return new Index(
        SessionItem.EXPIRY_INDEX,
        SessionItem.EXPIRY,
        Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build(),
        "of expiry times",
        "expired sessions end without their callbacks (DynamoDB's TTL deletes them)");
  }

  private List<Index> indexes() {
    return List.of(userIndex(), expiryIndex());
  }

  /**
   * Creates the table (partition and sort key of type string, on-demand billing) with dysession's
   * sparse indexes (of logged-in sessions, keyed by {@code ds_user}; of expiry times, keyed by
   * {@code ds_exp}) and waits until it is ACTIVE. An existing table with the configured keys is
   * left as it is.
   *
   * @throws IllegalStateException when a table of that name exists with other keys
   */
  public CreateResult create() {
    try {
      List<AttributeDefinition> attributes = new ArrayList<>();
      attributes.add(stringAttribute(settings.partitionKeyName()));
      attributes.add(stringAttribute(settings.sortKeyName()));
      indexes().forEach(i -> attributes.add(stringAttribute(i.key())));
      client.createTable(
          b ->
              b.tableName(settings.tableName())
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(attributes)
                  .keySchema(
                      KeySchemaElement.builder()
                          .attributeName(settings.partitionKeyName())
                          .keyType(KeyType.HASH)
                          .build(),
                      KeySchemaElement.builder()
                          .attributeName(settings.sortKeyName())
                          .keyType(KeyType.RANGE)
                          .build())
                  .globalSecondaryIndexes(
                      indexes().stream().map(i -> definition(i, null)).toList()));
      waitUntilActive();
      return CreateResult.CREATED;
    } catch (ResourceInUseException e) {
      waitUntilActive();
      checkKeys(describeTable());
      return CreateResult.EXISTED;
    }
  }

  /**
   * An index's definition.
   *
   * @param throughput the table's provisioned throughput, or null for on-demand billing
   */
  private static GlobalSecondaryIndex definition(Index index, ProvisionedThroughput throughput) {
    return GlobalSecondaryIndex.builder()
        .indexName(index.name())
        .keySchema(
            KeySchemaElement.builder().attributeName(index.key()).keyType(KeyType.HASH).build())
        .projection(index.projection())
        .provisionedThroughput(throughput)
        .build();
  }

  /** What {@link #addUserIndex()} and {@link #addExpiryIndex()} did. */
  public enum IndexResult {
    /** The table had the index already. */
    EXISTED,
    /** The index was added to the table and is ACTIVE. */
    ADDED
  }

  /**
   * Adds the index of logged-in sessions to a table that lacks it (one made before the index
   * existed) and waits until it is ACTIVE; the table and its sessions stay as they are. Sessions
   * keep being served meanwhile.
   *
   * @throws IllegalStateException when an index of that name exists with another key, or the
   *     endpoint does not add indexes to an existing table
   */
  public IndexResult addUserIndex() {
    return addIndex(userIndex());
  }

  /** Adds the index of expiry times, as {@link #addUserIndex()} adds its index. */
  public IndexResult addExpiryIndex() {
    return addIndex(expiryIndex());
  }

  private IndexResult addIndex(Index wanted) {
    TableDescription table = describeTable();
    for (GlobalSecondaryIndexDescription index : table.globalSecondaryIndexes()) {
      if (index.indexName().equals(wanted.name())) {
        boolean rightKey =
            index.keySchema().size() == 1
                && index.keySchema().get(0).attributeName().equals(wanted.key());
        if (!rightKey) {
          throw new IllegalStateException(
              "Table '"
                  + settings.tableName()
                  + "' has an index '"
                  + wanted.name()
                  + "' that is not keyed by "
                  + wanted.key()
                  + " alone; delete that index (dysession made it not) and run init again");
        }
        waitUntilIndexActive(wanted);
        return IndexResult.EXISTED;
      }
    }
    ProvisionedThroughput throughput = null;
    boolean onDemand =
        table.billingModeSummary() != null
            && table.billingModeSummary().billingMode() == BillingMode.PAY_PER_REQUEST;
    if (!onDemand && table.provisionedThroughput() != null) {
      // A provisioned table's index needs capacity of its own: as much as the table has.
      throughput =
          ProvisionedThroughput.builder()
              .readCapacityUnits(table.provisionedThroughput().readCapacityUnits())
              .writeCapacityUnits(table.provisionedThroughput().writeCapacityUnits())
              .build();
    }
    TableDescription updated;
    try {
      updated = createIndex(wanted, throughput);
    } catch (DynamoDbException e) {
      if (throughput != null || !String.valueOf(e.getMessage()).contains("provisionedThroughput")) {
        throw e;
      }
      // dynalite knows no on-demand indexes and insists on a throughput, which it ignores.
      updated =
          createIndex(
              wanted,
              ProvisionedThroughput.builder().readCapacityUnits(1L).writeCapacityUnits(1L).build());
    }
    boolean listed =
        updated != null
            && updated.globalSecondaryIndexes().stream()
                .anyMatch(i -> i.indexName().equals(wanted.name()));
    if (!listed) {
      // DynamoDB answers with the index CREATING; dynalite (4.0) accepts the request and ignores
      // it.
      throw new IllegalStateException(
          "The DynamoDB endpoint accepted adding index '"
              + wanted.name()
              + "' to table '"
              + settings.tableName()
              + "' but its answer does not list the index: this endpoint does not add indexes to"
              + " an existing table (dynalite does not). Sessions keep working without it, but "
              + wanted.without()
              + "; recreate the table there with destroy and init (that ends every session)");
    }
    waitUntilIndexActive(wanted);
    return IndexResult.ADDED;
  }

  private TableDescription createIndex(Index wanted, ProvisionedThroughput throughput) {
    GlobalSecondaryIndex index = definition(wanted, throughput);
    return client
        .updateTable(
            b ->
                b.tableName(settings.tableName())
                    .attributeDefinitions(stringAttribute(wanted.key()))
                    .globalSecondaryIndexUpdates(
                        GlobalSecondaryIndexUpdate.builder()
                            .create(
                                CreateGlobalSecondaryIndexAction.builder()
                                    .indexName(index.indexName())
                                    .keySchema(index.keySchema())
                                    .projection(index.projection())
                                    .provisionedThroughput(index.provisionedThroughput())
                                    .build())
                            .build()))
        .tableDescription();
  }

  /** Waits until the table and the index are ACTIVE (DynamoDB backfills a new index). */
  private void waitUntilIndexActive(Index wanted) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      TableDescription table = describeTable();
      String status =
          table.globalSecondaryIndexes().stream()
              .filter(i -> i.indexName().equals(wanted.name()))
              .map(GlobalSecondaryIndexDescription::indexStatusAsString)
              .findFirst()
              .orElse("absent");
      if ("ACTIVE".equals(status) && "ACTIVE".equals(table.tableStatusAsString())) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "Index '"
                + wanted.name()
                + "' of table '"
                + settings.tableName()
                + "' is still "
                + status
                + " after "
                + WAIT.toMinutes()
                + " minutes; run init again later");
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the index", e);
      }
    }
  }

  /** Enables DynamoDB TTL on the configured attribute, or reports that the endpoint lacks TTL. */
  public TtlResult enableTtl() {
    try {
      TimeToLiveDescription current =
          client.describeTimeToLive(b -> b.tableName(settings.tableName())).timeToLiveDescription();
      if (current != null
          && settings.ttlAttributeName().equals(current.attributeName())
          && ("ENABLED".equals(current.timeToLiveStatusAsString())
              || "ENABLING".equals(current.timeToLiveStatusAsString()))) {
        return TtlResult.ENABLED;
      }
      client.updateTimeToLive(
          b ->
              b.tableName(settings.tableName())
                  .timeToLiveSpecification(
                      t -> t.attributeName(settings.ttlAttributeName()).enabled(true)));
      return TtlResult.ENABLED;
    } catch (ResourceNotFoundException e) {
      throw e;
    } catch (DynamoDbException e) {
      if (isUnsupported(e)) {
        return TtlResult.UNSUPPORTED;
      }
      throw e;
    }
  }

  /**
   * Creates the table if needed, enables TTL and adds dysession's indexes the table lacks; logs one
   * line for each result. This is the CLI's {@code init}.
   */
  public void init() {
    init(true);
  }

  /**
   * What {@code dysession.create-table=true} does at deployment: {@link #init()}, except that no
   * index is added to an existing table that lacks it (a backfill can take long and must not hold a
   * deployment): a warning says to run {@code init}.
   */
  public void initAtDeployment() {
    init(false);
  }

  private void init(boolean addIndexes) {
    CreateResult created = create();
    LOG.info(
        () ->
            created == CreateResult.CREATED
                ? "Created DynamoDB table '"
                    + settings.tableName()
                    + "' (on-demand, keys "
                    + settings.partitionKeyName()
                    + "/"
                    + settings.sortKeyName()
                    + ")"
                : "DynamoDB table '"
                    + settings.tableName()
                    + "' exists already with keys "
                    + settings.partitionKeyName()
                    + "/"
                    + settings.sortKeyName());
    if (enableTtl() == TtlResult.ENABLED) {
      LOG.info(() -> "TTL is enabled on attribute '" + settings.ttlAttributeName() + "'");
    } else {
      LOG.warning(
          () ->
              "The endpoint does not support DynamoDB TTL (UpdateTimeToLive); expired "
                  + "sessions are still never served, but their items stay until deleted");
    }
    if (!addIndexes) {
      List<String> present =
          describeTable().globalSecondaryIndexes().stream()
              .map(GlobalSecondaryIndexDescription::indexName)
              .toList();
      for (Index index : indexes()) {
        if (!present.contains(index.name())) {
          LOG.warning(
              () ->
                  "Table '"
                      + settings.tableName()
                      + "' has no index '"
                      + index.name()
                      + "' (it was made before dysession had it): sessions work, but "
                      + index.without()
                      + " until the CLI's init adds it");
        }
      }
      return;
    }
    // Last: an endpoint that cannot add an index to an old table fails here, after TTL.
    for (Index wanted : indexes()) {
      IndexResult index = addIndex(wanted);
      LOG.info(
          () ->
              "Index '"
                  + wanted.name()
                  + "' "
                  + wanted.serves()
                  + " "
                  + (index == IndexResult.ADDED ? "added and ACTIVE" : "exists"));
    }
  }

  /**
   * Deletes the table and waits until it is gone.
   *
   * @return whether a table was deleted (false when there was none)
   */
  public boolean delete() {
    try {
      client.deleteTable(b -> b.tableName(settings.tableName()));
    } catch (ResourceNotFoundException e) {
      return false;
    }
    try (DynamoDbWaiter waiter = waiter()) {
      waiter.waitUntilTableNotExists(b -> b.tableName(settings.tableName()));
    }
    return true;
  }

  /** The table's state as {@link #status(boolean)} reports it. */
  public record Status(
      String tableName,
      String tableStatus,
      List<String> keySchema,
      String billingMode,
      String ttlStatus,
      String ttlAttribute,
      long itemCount,
      boolean itemCountExact,
      long expiredItems,
      long sizeBytes,
      List<String> indexes) {}

  /**
   * Describes the table: key schema, billing, TTL state and item count.
   *
   * @param exactCount whether to count items with a paginated Scan (costs reads on large tables)
   *     instead of DynamoDB's approximate count, which AWS refreshes about every six hours
   * @throws ResourceNotFoundException when the table does not exist
   */
  public Status status(boolean exactCount) {
    TableDescription table = describeTable();
    List<String> keys = new ArrayList<>();
    for (KeySchemaElement k : table.keySchema()) {
      String type =
          table.attributeDefinitions().stream()
              .filter(a -> a.attributeName().equals(k.attributeName()))
              .map(a -> a.attributeTypeAsString())
              .findFirst()
              .orElse("?");
      keys.add(k.attributeName() + " (" + k.keyTypeAsString() + ", " + type + ")");
    }
    String ttlStatus;
    String ttlAttribute;
    try {
      TimeToLiveDescription ttl =
          client.describeTimeToLive(b -> b.tableName(settings.tableName())).timeToLiveDescription();
      ttlStatus = ttl == null ? "DISABLED" : ttl.timeToLiveStatusAsString();
      ttlAttribute = ttl == null ? null : ttl.attributeName();
    } catch (DynamoDbException e) {
      if (!isUnsupported(e)) {
        throw e;
      }
      ttlStatus = "UNSUPPORTED by this endpoint";
      ttlAttribute = null;
    }
    long[] counted = exactCount ? countItems() : null;
    long count = exactCount ? counted[0] : nullToZero(table.itemCount());
    String billing =
        table.billingModeSummary() == null
            ? "PROVISIONED"
            : table.billingModeSummary().billingModeAsString();
    return new Status(
        table.tableName(),
        table.tableStatusAsString(),
        keys,
        billing,
        ttlStatus,
        ttlAttribute,
        count,
        exactCount,
        exactCount ? counted[1] : -1,
        nullToZero(table.tableSizeBytes()),
        table.globalSecondaryIndexes().stream()
            .map(
                i ->
                    i.indexName()
                        + " ("
                        + i.keySchema().stream()
                            .map(KeySchemaElement::attributeName)
                            .collect(java.util.stream.Collectors.joining(", "))
                        + "; "
                        + i.indexStatusAsString()
                        + ", "
                        + nullToZero(i.itemCount())
                        + " items)")
            .toList());
  }

  /**
   * Counts the items with a paginated Scan that reads only the TTL attribute: all of them, and
   * those whose TTL has passed (expired, not yet deleted by DynamoDB's TTL).
   */
  private long[] countItems() {
    long count = 0;
    long expired = 0;
    long now = java.time.Instant.now().getEpochSecond();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page =
          client.scan(
              b ->
                  b.tableName(settings.tableName())
                      .projectionExpression("#ttl")
                      .expressionAttributeNames(Map.of("#ttl", settings.ttlAttributeName()))
                      .exclusiveStartKey(from));
      count += page.count();
      for (Map<String, AttributeValue> item : page.items()) {
        AttributeValue ttl = item.get(settings.ttlAttributeName());
        if (ttl != null && ttl.n() != null && Long.parseLong(ttl.n()) <= now) {
          expired++;
        }
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return new long[] {count, expired};
  }

  private TableDescription describeTable() {
    return client.describeTable(b -> b.tableName(settings.tableName())).table();
  }

  private void checkKeys(TableDescription table) {
    String hash = null;
    String range = null;
    for (KeySchemaElement k : table.keySchema()) {
      if (k.keyType() == KeyType.HASH) {
        hash = k.attributeName();
      } else if (k.keyType() == KeyType.RANGE) {
        range = k.attributeName();
      }
    }
    if (!settings.partitionKeyName().equals(hash) || !settings.sortKeyName().equals(range)) {
      throw new IllegalStateException(
          "Table '"
              + settings.tableName()
              + "' exists with keys "
              + hash
              + "/"
              + range
              + ", but dysession is configured for "
              + settings.partitionKeyName()
              + "/"
              + settings.sortKeyName()
              + "; set "
              + DysessionSettings.PARTITION_KEY_NAME
              + " and "
              + DysessionSettings.SORT_KEY_NAME
              + " to the table's keys, or use another table name");
    }
  }

  private void waitUntilActive() {
    try (DynamoDbWaiter waiter = waiter()) {
      waiter.waitUntilTableExists(b -> b.tableName(settings.tableName()));
    }
  }

  private DynamoDbWaiter waiter() {
    return DynamoDbWaiter.builder()
        .client(client)
        .overrideConfiguration(WaiterOverrideConfiguration.builder().waitTimeout(WAIT).build())
        .build();
  }

  private static boolean isUnsupported(DynamoDbException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return code != null && (code.contains("UnknownOperation") || code.equals("InvalidAction"));
  }

  private static long nullToZero(Long value) {
    return value == null ? 0 : value;
  }

  /** A string key attribute of the table. */
  private static AttributeDefinition stringAttribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }
}
