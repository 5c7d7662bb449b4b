package io.camstream.attention;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class AttentionAlertsTest {

  @Test
  void aRedeliveredFinalWindowRaisesNoSecondAlert() {
    AttentionSettings settings = AttentionSettings.defaults("alerts");
    AttentionSettings.WindowSize hourly = settings.window("hourly");
    MockProcessorContext<String, String> ctx = new MockProcessorContext<>();
    KeyValueStore<String, AttentionAlerts.LastWindow> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(hourly.lastStoreName()), Serdes.String(),
            new JsonSerde<>(AttentionAlerts.LastWindow.class))
        .withLoggingDisabled().build();
    store.init(ctx.getStateStoreContext(), store);
    ctx.addStateStore(store);
    AttentionAlerts alerts = new AttentionAlerts(hourly, settings);
    alerts.init(ctx);

    AttentionWindow w = AttentionWindow.empty(16, 16);
    HeatGrid topLeft = new HeatGrid(2, 2, new double[] {1, 0, 0, 0}).resample(16, 16);
    for (int i = 0; i < 5; i++) {
      w = w.plus(new AttentionSample(topLeft, new Roi(0.5, 0.5, 0.5, 0.5), i));
    }
    Windowed<String> key = new Windowed<>(new AttentionKey("m", "l", "c").encode(), new TimeWindow(0, 3_600_000));
    alerts.process(new Record<>(key, w, 3_599_999));
    alerts.process(new Record<>(key, w, 3_599_999));

    assertThat(ctx.forwarded()).hasSize(1);
    assertThat(ctx.forwarded().get(0).record().key()).isEqualTo("m/l/c");
    assertThat(ctx.forwarded().get(0).record().value()).contains("\"kind\":\"attention-outside-roi\"");
  }
}
