#!/usr/bin/env bash
# Writes 20 verification pictures as the registration page serves them, with their answers, for a
# person to look at: scripts/challenge-samples.sh [DIRECTORY]   (default /tmp/captcha-samples)
# Runs the OCR test (ChallengeOCRTests) of an existing test build, which also prints how much
# tesseract read; build first with `swift build --build-tests`.
set -euo pipefail
directory=${1:-/tmp/captcha-samples}
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
rm -f "$directory"/[0-9][0-9]-*.png "$directory"/answers.txt
ACTIVATIOND_CHALLENGE_SAMPLES=$directory swift test --skip-build --filter ChallengeOCRTests
echo "challenge-samples: 20 pictures and answers.txt in $directory"
