package io.github.dysession.store.dynamodb;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One DynamoDB call of dysession, as a JDK Flight Recorder event: {@code jcmd <pid> JFR.start}
 * records them (enabled by default, no threshold), and JDK Mission Control shows them under
 * "dysession". Its duration is the call's, retries included.
 */
@Name("io.github.dysession.DynamoDbCall")
@Label("DynamoDB Call")
@Category({"dysession"})
@Description("One DynamoDB call of the session store, retries included")
@StackTrace(false)
final class DynamoDbCallEvent extends Event {

  @Label("Operation")
  @Description("The DynamoDB API operation, such as GetItem or UpdateItem")
  String operation;

  @Label("Table")
  String table;

  @Label("Attempts")
  @Description("HTTP attempts the call took (more than one after a retry)")
  int attempts;

  @Label("Consumed Capacity")
  @Description("Capacity units DynamoDB reported, or -1 when it reported none")
  double consumedCapacity = -1;

  @Label("Request Bytes")
  @DataAmount
  long requestBytes = -1;

  @Label("Response Bytes")
  @DataAmount
  long responseBytes = -1;

  @Label("Outcome")
  @Description("ok, conditional conflict, throttled or error")
  String outcome;
}
