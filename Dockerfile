# syntax=docker/dockerfile:1
# camstream images. One jar, several roles (`run --role router|explainer|review`).
#   CPU (default):  docker build -t camstream:0.1.0 .
#   GPU (CUDA 11.2, Paddle Inference cu112):  docker build --target runtime-gpu -t camstream:0.1.0-gpu .
# The images hold the jar, its libraries and the model specs (models/*.yaml); the model files themselves are
# mounted at /shared/models (read-only), the layout of ../shared beside a checkout.

ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04

# ---- build: sources → target/camstream.jar + target/lib ----
FROM maven:3-eclipse-temurin-17 AS source
WORKDIR /src
COPY pom.xml ./
COPY src ./src

FROM source AS build
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

FROM source AS build-gpu
# the gpu profile swaps paddlepaddle-native-cpu for paddlepaddle-native-cu112 (classifier linux-x86_64)
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -Pgpu package

# ---- GPU runtime: CUDA 11.2 + cuDNN 8 base, Temurin JRE 17 copied in ----
FROM ${CUDA_IMAGE} AS runtime-gpu
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=eclipse-temurin:17-jre /opt/java/openjdk /opt/java/openjdk
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libgomp1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin camstream \
 && mkdir -p /app /shared/models /data /artifacts /var/cache/camstream \
 && chown camstream /data /artifacts /var/cache/camstream
WORKDIR /app
COPY --from=build-gpu /src/target/lib/ /app/lib/
COPY --from=build-gpu /src/target/camstream.jar /app/camstream.jar
COPY models/ /app/models/
ENV CAMSTREAM_SHARED=/shared \
    CAMSTREAM_MODELS_DIR=/app/models \
    CAMSTREAM_DATA_DIR=/data \
    CAMSTREAM_ARTIFACTS_DIR=/artifacts \
    CAMSTREAM_METRICS_PORT=9404 \
    CAMSTREAM_REVIEW_PORT=8080 \
    CAMSTREAM_CACHE=/var/cache/camstream/programs \
    CAMSTREAM_EXPLAINER_DEVICES=gpu:0 \
    DJL_CACHE_DIR=/var/cache/camstream/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
USER 10001
EXPOSE 9404 8080
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-Dcamstream.home=/app", "-jar", "/app/camstream.jar"]
CMD ["--help"]

# ---- CPU runtime (the default target, so it comes last) ----
FROM eclipse-temurin:17-jre AS runtime
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin camstream \
 && mkdir -p /app /shared/models /data /artifacts /var/cache/camstream \
 && chown camstream /data /artifacts /var/cache/camstream
WORKDIR /app
COPY --from=build /src/target/lib/ /app/lib/
COPY --from=build /src/target/camstream.jar /app/camstream.jar
COPY models/ /app/models/
ENV CAMSTREAM_SHARED=/shared \
    CAMSTREAM_MODELS_DIR=/app/models \
    CAMSTREAM_DATA_DIR=/data \
    CAMSTREAM_ARTIFACTS_DIR=/artifacts \
    CAMSTREAM_METRICS_PORT=9404 \
    CAMSTREAM_REVIEW_PORT=8080 \
    CAMSTREAM_CACHE=/var/cache/camstream/programs \
    CAMSTREAM_EXPLAINER_DEVICES=cpu \
    DJL_CACHE_DIR=/var/cache/camstream/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
USER 10001
EXPOSE 9404 8080
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-Dcamstream.home=/app", "-jar", "/app/camstream.jar"]
CMD ["--help"]
