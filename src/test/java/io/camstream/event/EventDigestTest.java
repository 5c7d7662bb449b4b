package io.camstream.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventDigestTest {

  @Test
  void fieldOrderAndSpacingDoNotChangeTheHashValuesDo() throws Exception {
    String a = "{\"eventId\":\"e1\",\"model\":{\"id\":\"m\",\"version\":\"1\"},\"tags\":[1,2],\"c\":0.30}";
    String b = "{ \"c\" : 0.3, \"tags\" : [1, 2], \"model\" : {\"version\":\"1\", \"id\":\"m\"}, \"eventId\" : \"e1\" }";
    String other = "{\"eventId\":\"e1\",\"model\":{\"id\":\"m\",\"version\":\"1\"},\"tags\":[2,1],\"c\":0.30}";
    assertThat(EventDigest.canonical(Json.MAPPER.readTree(b)))
        .isEqualTo("{\"c\":0.3,\"eventId\":\"e1\",\"model\":{\"id\":\"m\",\"version\":\"1\"},\"tags\":[1,2]}");
    assertThat(EventDigest.sha256(Json.MAPPER.readTree(a))).isEqualTo(EventDigest.sha256(Json.MAPPER.readTree(b)))
        .hasSize(64);
    assertThat(EventDigest.sha256(Json.MAPPER.readTree(other))).isNotEqualTo(
        EventDigest.sha256(Json.MAPPER.readTree(a)));
  }
}
