/**
 * Loading keys, certificate chains, trust anchors and CRLs through Bouncy Castle, and a development certificate
 * authority that issues short-lived certificates.
 */
@NullMarked
package io.managedtls.core.material;

import org.jspecify.annotations.NullMarked;
