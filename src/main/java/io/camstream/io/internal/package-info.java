/** Implementations of the io interfaces; not public API. */
package io.camstream.io.internal;
