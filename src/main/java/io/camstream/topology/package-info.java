/** Roles (Kafka Streams applications) and what they share: the role registry, the runner, dead letters, topology.txt. */
package io.camstream.topology;
