/** Which events get explained: policies, their resolution by line and model, selection reasons, the image allow-list. */
package io.camstream.policy;
