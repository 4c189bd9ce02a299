package io.github.dysession.cli;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.InvalidSettingsException;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.logging.DysessionLogging;
import io.github.dysession.store.LoggedInSession;
import io.github.dysession.store.MissingIndexException;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionStoreException;
import io.github.dysession.store.dynamodb.DynamoDbClientFactory;
import io.github.dysession.store.dynamodb.DynamoDbSessionStore;
import io.github.dysession.store.dynamodb.DynamoDbTableAdmin;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The table-admin command line: {@code init}, {@code destroy} (alias {@code destory}), {@code
 * status}, and for one user {@code sessions} and {@code logout}, configured by the same keys as the
 * library.
 */
public final class DysessionCli {

  /** Exit status of a command that worked. */
  public static final int OK = 0;

  /** Exit status of a command that failed. */
  public static final int FAILED = 1;

  /** Exit status of a command line that could not be understood. */
  public static final int USAGE = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final Properties systemProperties;

  DysessionCli(
      PrintStream out, PrintStream err, Map<String, String> env, Properties systemProperties) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.systemProperties = systemProperties;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    int status =
        new DysessionCli(System.out, System.err, System.getenv(), System.getProperties()).run(args);
    System.exit(status);
  }

  /** Runs one command and returns its exit status. */
  int run(String[] args) {
    Path configFile = null;
    boolean yes = false;
    boolean exact = false;
    String user = null;
    List<String> commands = new ArrayList<>();
    Properties overrides = new Properties();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--config", "-c" -> {
          if (i + 1 >= args.length) {
            return usage("--config needs a file name");
          }
          configFile = Path.of(args[++i]);
        }
        case "--yes", "-y" -> yes = true;
        case "--exact" -> exact = true;
        case "--user", "-u" -> {
          if (i + 1 >= args.length || args[i + 1].isEmpty()) {
            return usage("--user needs the caller name a login recorded");
          }
          user = args[++i];
        }
        case "--help", "-h", "help" -> {
          printHelp();
          return OK;
        }
        default -> {
          if (a.startsWith("--config=")) {
            configFile = Path.of(a.substring("--config=".length()));
          } else if (a.startsWith("--user=") && a.length() > "--user=".length()) {
            user = a.substring("--user=".length());
          } else if (a.startsWith("-D") && a.contains("=")) {
            int eq = a.indexOf('=');
            overrides.setProperty(a.substring(2, eq), a.substring(eq + 1));
          } else if (a.startsWith("-")) {
            return usage("unknown option " + a);
          } else {
            commands.add(a);
          }
        }
      }
    }
    if (commands.size() != 1) {
      return usage(commands.isEmpty() ? "no command given" : "give one command, not " + commands);
    }
    String command = commands.get(0).toLowerCase(Locale.ROOT);
    if (!List.of("init", "destroy", "destory", "status", "sessions", "logout").contains(command)) {
      return usage("unknown command " + commands.get(0));
    }
    boolean perUser = command.equals("sessions") || command.equals("logout");
    if (perUser && user == null) {
      return usage(command + " needs --user NAME");
    }
    if (!perUser && user != null) {
      return usage("--user goes with sessions and logout only");
    }
    DysessionSettings settings;
    try {
      settings = DysessionSettings.from(source(overrides, configFile));
    } catch (InvalidSettingsException e) {
      err.println(e.getMessage());
      return FAILED;
    } catch (IOException e) {
      err.println(
          "Cannot read the configuration file "
              + configFile
              + ": "
              + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
      return FAILED;
    }
    if ((command.equals("destroy") || command.equals("destory")) && !yes) {
      err.println(
          "destroy deletes table '"
              + settings.tableName()
              + "' in "
              + where(settings)
              + " and every session in it. Run it again with --yes to confirm.");
      return USAGE;
    }
    if (command.equals("logout") && !yes) {
      err.println(
          "logout ends every session of user '"
              + user
              + "' in table '"
              + settings.tableName()
              + "' (key prefix '"
              + settings.keyPrefix()
              + "') in "
              + where(settings)
              + ". Run it again with --yes to confirm.");
      return USAGE;
    }
    try {
      DysessionLogging.configure(settings);
    } catch (IllegalStateException e) {
      err.println(e.getMessage());
      return FAILED;
    }
    try (DynamoDbClient client = DynamoDbClientFactory.create(settings.dynamoDb())) {
      DynamoDbTableAdmin admin = new DynamoDbTableAdmin(client, settings.dynamoDb());
      return switch (command) {
        case "init" -> init(admin, settings);
        case "status" -> status(admin, settings, exact);
        case "sessions" -> sessions(new DynamoDbSessionStore(client, settings.dynamoDb()), user);
        case "logout" -> logout(new DynamoDbSessionStore(client, settings.dynamoDb()), user);
        default -> destroy(admin, settings);
      };
    } catch (ResourceNotFoundException e) {
      err.println(
          "Table '"
              + settings.tableName()
              + "' does not exist in "
              + where(settings)
              + "; create it with: init");
      return FAILED;
    } catch (MissingIndexException e) {
      err.println(command + " failed for table '" + settings.tableName() + "': " + e.getMessage());
      return FAILED;
    } catch (SdkException | IllegalStateException | SessionStoreException e) {
      err.println(
          command
              + " failed for table '"
              + settings.tableName()
              + "' in "
              + where(settings)
              + ": "
              + e.getMessage());
      return FAILED;
    } finally {
      DysessionLogging.reset();
    }
  }

  private int init(DynamoDbTableAdmin admin, DysessionSettings settings) {
    admin.init();
    out.println("Table '" + settings.tableName() + "' is ready in " + where(settings) + ".");
    return OK;
  }

  private int destroy(DynamoDbTableAdmin admin, DysessionSettings settings) {
    if (admin.delete()) {
      out.println("Deleted table '" + settings.tableName() + "' in " + where(settings) + ".");
    } else {
      out.println(
          "Table '"
              + settings.tableName()
              + "' does not exist in "
              + where(settings)
              + "; nothing to delete.");
    }
    return OK;
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** Prints the user's live sessions: one line each, newest login first, never an id. */
  private int sessions(SessionStore store, String user) {
    List<LoggedInSession> listed = new ArrayList<>(store.loggedIn(user));
    listed.sort(LoggedInSession.OLDEST_LOGIN_FIRST.reversed());
    out.printf(
        "%-22s  %-20s  %-20s  %-20s  %-16s  %s%n",
        "HANDLE", "LOGGED IN", "LAST ACCESS", "EXPIRES", "MECHANISM", "CLIENT");
    for (LoggedInSession s : listed) {
      out.printf(
          "%-22s  %-20s  %-20s  %-20s  %-16s  %s%n",
          SessionIds.handle(s.id()),
          TIME.format(s.login().authenticatedAt()),
          TIME.format(s.lastAccessedTime()),
          s.expiryTime() == null ? "never" : TIME.format(s.expiryTime()),
          s.login().mechanism(),
          s.login().client() == null ? "-" : s.login().client());
    }
    out.println(
        listed.size()
            + (listed.size() == 1 ? " session" : " sessions")
            + " of user '"
            + user
            + "'.");
    return OK;
  }

  /**
   * Ends every session of the user: each item is deleted at once, so no instance serves it. Run
   * from here, no application callbacks run (the UserSessions API runs them).
   */
  private int logout(SessionStore store, String user) {
    int ended = 0;
    for (LoggedInSession s : store.loggedIn(user)) {
      if (store.endLoggedIn(s.id(), user).isPresent()) {
        ended++;
      }
    }
    out.println(
        "Ended "
            + ended
            + (ended == 1 ? " session" : " sessions")
            + " of user '"
            + user
            + "' (their items are deleted; no application listener or @PreDestroy ran: use the"
            + " UserSessions API in the application for those).");
    return OK;
  }

  private int status(DynamoDbTableAdmin admin, DysessionSettings settings, boolean exact) {
    DynamoDbTableAdmin.Status s = admin.status(exact);
    out.println(
        "Table:      " + s.tableName() + " (" + s.tableStatus() + ") in " + where(settings));
    out.println("Keys:       " + String.join(", ", s.keySchema()));
    out.println("Billing:    " + s.billingMode());
    out.println(
        "TTL:        "
            + s.ttlStatus()
            + (s.ttlAttribute() == null ? "" : " on attribute '" + s.ttlAttribute() + "'"));
    out.println(
        "Items:      "
            + s.itemCount()
            + (s.itemCountExact()
                ? " (counted now: "
                    + (s.itemCount() - s.expiredItems())
                    + " live or never expiring, "
                    + s.expiredItems()
                    + " expired but not yet deleted)"
                : " (approximate, refreshed by DynamoDB about every "
                    + "six hours; --exact counts with a Scan)"));
    out.println("Size:       " + s.sizeBytes() + " bytes (approximate)");
    out.println(
        "Indexes:    "
            + (s.indexes().isEmpty()
                ? "none (init adds dysession-user, the index of logged-in sessions, and"
                    + " dysession-expiry, the index of expiry times)"
                : String.join("; ", s.indexes())));
    return OK;
  }

  private SettingsSource source(Properties overrides, Path configFile) throws IOException {
    Properties file = new Properties();
    if (configFile != null) {
      try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        file.load(reader);
      }
    }
    return SettingsSource.layered(
        SettingsSource.of(overrides),
        SettingsSource.of(systemProperties),
        SettingsSource.environment(env::get),
        SettingsSource.of(file));
  }

  private static String where(DysessionSettings settings) {
    return settings.endpoint() == null
        ? settings.region()
        : settings.endpoint() + " (" + settings.region() + ")";
  }

  private int usage(String problem) {
    err.println("dysession: " + problem + ". Run with --help for the commands and keys.");
    return USAGE;
  }

  private void printHelp() {
    out.println(
        """
        Usage: java -jar dysession-cli.jar [--config FILE] [-Dkey=value ...] COMMAND [OPTIONS]

        Manages the DynamoDB table that holds dysession's sessions.

        Commands:
          init              create the table (string keys, on-demand billing) with its indexes
                            dysession-user and dysession-expiry, wait until it is ACTIVE, and
                            enable TTL on the TTL attribute; an existing table is kept, and gets
                            the indexes it lacks
          destroy --yes     delete the table and every session in it (alias: destory)
          status [--exact]  show the table's keys, billing, TTL state and item count
                            (--exact counts items with a Scan instead of DynamoDB's estimate,
                            live and expired but not yet deleted apart) and its indexes
          sessions --user NAME
                            list the live sessions of a user (under dysession.key-prefix):
                            handle, login time, last access, expiry, mechanism, client
          logout --user NAME --yes
                            end every session of a user at once (items deleted; no application
                            callbacks run: the application's UserSessions API runs them)

        Configuration, highest precedence first: -Dkey=value arguments, Java system properties,
        environment variables, the --config properties file (e.g. microprofile-config.properties),
        then the defaults. AWS credentials come from the SDK's default chain (environment,
        system properties aws.accessKeyId/aws.secretAccessKey, profile, container or instance role).

        Keys (environment variable, default):\
        """);
    for (Map.Entry<String, String> e : DysessionSettings.DEFAULTS.entrySet()) {
      String envName = e.getKey().replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
      out.printf(
          "  %-42s %-42s %s%n",
          e.getKey(), envName, e.getValue().isEmpty() ? "(unset)" : e.getValue());
    }
  }
}
