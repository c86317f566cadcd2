/// tracegraph's version, which `tracegraph --version` prints: the one place it is written.
let tracegraphVersion = "0.9.0"
