package io.github.dysession.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dysession.store.OperationsListener.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

class ObservedCallsTest {

  @Test
  void capacity_readsOneReport_sumsABatchsList_andIsNegativeWithoutOne() {
    assertThat(
            ObservedCalls.capacity(
                GetItemResponse.builder()
                    .consumedCapacity(ConsumedCapacity.builder().capacityUnits(0.5).build())
                    .build()))
        .isEqualTo(0.5);
    assertThat(
            ObservedCalls.capacity(
                BatchGetItemResponse.builder()
                    .consumedCapacity(
                        List.of(
                            ConsumedCapacity.builder().capacityUnits(1.0).build(),
                            ConsumedCapacity.builder().capacityUnits(0.5).build()))
                    .build()))
        .isEqualTo(1.5);
    assertThat(ObservedCalls.capacity(GetItemResponse.builder().build())).isNegative();
    assertThat(ObservedCalls.capacity(BatchGetItemResponse.builder().build())).isNegative();
  }

  @Test
  void outcome_tellsConflictsThrottlingAndOtherFailuresApart() {
    assertThat(ObservedCalls.outcome(ConditionalCheckFailedException.builder().build()))
        .isEqualTo(Outcome.CONDITIONAL_CONFLICT);
    assertThat(
            ObservedCalls.outcome(
                DynamoDbException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder()
                            .errorCode("ProvisionedThroughputExceededException")
                            .build())
                    .build()))
        .isEqualTo(Outcome.THROTTLED);
    assertThat(ObservedCalls.outcome(new IllegalStateException("unreachable")))
        .isEqualTo(Outcome.ERROR);
  }
}
