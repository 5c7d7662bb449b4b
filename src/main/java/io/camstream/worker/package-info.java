/**
 * Engine worker processes: the explainer role's engine runs in supervised child JVMs ({@code camstream
 * engine-worker}), one or more per device, reached over a Unix domain socket with length-prefixed frames. A native
 * abort or a hang costs one worker process, never the role; the pool restarts it and isolates the request that
 * caused it. Nothing here knows which engine backend the worker hosts: it speaks {@code explain.Explainer}.
 */
package io.camstream.worker;
