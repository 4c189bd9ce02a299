package io.github.dysession.health;

import io.github.dysession.cdi.Dysession;
import io.github.dysession.config.DysessionSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The readiness check {@code dysession}, where the server has MicroProfile Health: UP while the
 * session table answers (one eventually consistent GetItem of a key no session has, 0.5 read
 * units), DOWN with the reason while it does not, and the last outage (when it began and ended, and
 * why) once it is over. Without MicroProfile Health this class is not discovered (beans.xml).
 */
@Readiness
@ApplicationScoped
public class DysessionReadiness implements HealthCheck {

  private static final String PROBE_KEY = "dysession#health-probe";

  @Inject @Dysession Instance<DysessionSettings> settings;
  @Inject @Dysession Instance<DynamoDbClient> client;

  private Instant outageSince;
  private String outageReason;
  private String lastOutage;

  @Override
  public synchronized HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("dysession");
    if (settings.isUnsatisfied() || client.isUnsatisfied()) {
      return response.up().withData("enabled", false).build();
    }
    DysessionSettings current = settings.get();
    if (!current.enabled()) {
      return response.up().withData("enabled", false).build();
    }
    String table = current.dynamoDb().tableName();
    response.withData("table", table);
    try {
      client
          .get()
          .getItem(
              b ->
                  b.tableName(table)
                      .key(
                          Map.of(
                              current.dynamoDb().partitionKeyName(),
                              AttributeValue.fromS(PROBE_KEY),
                              current.dynamoDb().sortKeyName(),
                              AttributeValue.fromS(PROBE_KEY))));
    } catch (RuntimeException e) {
      if (outageSince == null) {
        outageSince = Instant.now();
      }
      outageReason = e.getClass().getSimpleName();
      response.down().withData("since", outageSince.toString()).withData("reason", outageReason);
      if (lastOutage != null) {
        response.withData("lastOutage", lastOutage);
      }
      return response.build();
    }
    if (outageSince != null) {
      lastOutage = outageSince + " to " + Instant.now() + " (" + outageReason + ")";
      outageSince = null;
    }
    response.up();
    if (lastOutage != null) {
      response.withData("lastOutage", lastOutage);
    }
    return response.build();
  }
}
