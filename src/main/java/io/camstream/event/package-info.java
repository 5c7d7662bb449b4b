/** The JSON records on camstream's topics, their Kafka serdes, and the JSON Schemas they are checked against. */
package io.camstream.event;
