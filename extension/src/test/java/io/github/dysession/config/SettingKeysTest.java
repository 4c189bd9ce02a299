package io.github.dysession.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key declarations: one per key, and README's configuration table lists each of them. */
class SettingKeysTest {

  @Test
  void everyKey_isDeclaredOnce_andNamesItsEnvironmentVariable() {
    List<String> names = new ArrayList<>();
    for (SettingKey<?> key : SettingKeys.all()) {
      names.add(key.name());
    }
    assertThat(names)
        .doesNotHaveDuplicates()
        .containsExactlyElementsOf(DysessionSettings.DEFAULTS.keySet());
    assertThat(SettingKeys.CACHE_PERIOD.environmentVariable()).isEqualTo("DYSESSION_CACHE_PERIOD");
    assertThat(SettingKeys.ALLOWED_CLASSES.environmentVariable())
        .isEqualTo("DYSESSION_SERIALIZATION_ALLOWED_CLASSES");
  }

  @Test
  void readmeConfigurationTable_listsEveryKeyWithItsEnvironmentVariable() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    for (SettingKey<?> key : SettingKeys.all()) {
      assertThat(readme)
          .as("README's row of %s", key)
          .contains("| `" + key.name() + "` | `" + key.environmentVariable() + "` |");
    }
  }

  @Test
  void environmentSource_findsEachKeyByItsEnvironmentVariable() {
    for (SettingKey<?> key : SettingKeys.all()) {
      SettingsSource env =
          SettingsSource.environment(
              name -> name.equals(key.environmentVariable()) ? "value" : null);
      assertThat(env.get(key.name())).as(key.name()).hasValue("value");
    }
  }
}
