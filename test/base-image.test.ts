import { describe, expect, it } from 'vitest';
import { DebootstrapProgress } from '../server/src/runtime/base-image.js';

/** debootstrap's own lines, as bookworm's minbase run prints them (abridged). */
const RUN = `I: Retrieving InRelease
I: Checking Release signature
I: Valid Release signature (key id 4D64FEC119C2029067D6E791F8D2585B8783D481)
I: Retrieving Packages
I: Validating Packages
I: Resolving dependencies of required packages...
I: Retrieving adduser 3.134
I: Validating adduser 3.134
I: Retrieving libc6 2.36-9+deb12u10
I: Validating libc6 2.36-9+deb12u10
I: Chosen extractor for .deb packages: dpkg-deb
I: Extracting adduser...
I: Extracting libc6...
I: Installing core packages...
I: Unpacking required packages...
I: Unpacking libpam-modules:amd64...
I: Configuring required packages...
I: Configuring libc6:amd64...
I: Unpacking the base system...
I: Configuring the base system...
I: Base system installed successfully.
`;

describe('debootstrap progress', () => {
  it('counts packages per step and keeps phase lines out of the counts', () => {
    const progress = new DebootstrapProgress();
    // Chunks split mid-line, as a pipe delivers them.
    for (let i = 0; i < RUN.length; i += 37) progress.feed(RUN.slice(i, i + 37));
    expect(progress.summary()).toBe('base system installed successfully: retrieved 2, extracted 2, unpacked 1, configured 1 packages');
  });

  it('names the step in progress', () => {
    const progress = new DebootstrapProgress();
    progress.feed('I: Retrieving adduser 3.134\nI: Extracting adduser...\n');
    expect(progress.summary()).toBe('extracting packages: retrieved 1, extracted 1, unpacked 0, configured 0 packages');
  });
});
