/** The in-process KRaft broker and topic creation. */
package io.camstream.kafka;
