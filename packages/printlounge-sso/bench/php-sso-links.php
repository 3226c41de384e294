<?php
// SSO v2 links as the sso.php PHP module makes them, in a loop timed inside PHP: request_time as
// date(DATE_ATOM), the IV from the passphrase, openssl_encrypt, urlencode — the module does all of it
// per link ("module"); "tuned" makes the IV once. Prints {"module": links/s, "tuned": links/s, "php": …}.
$n = (int) ($argv[1] ?? 100000);
$passphrase = $argv[2];
$fields = json_decode($argv[3], true);
$method = $argv[4] ?? 'aes-256-cbc';
date_default_timezone_set('UTC');
function sso_link($fields, $passphrase, $method, $time) {
    $fields['request_time'] = date(DATE_ATOM, $time);
    $iv = substr(hash('sha256', $passphrase), 0, 16);
    return 'https://demo.print-server.net/sso.php?h=' . urlencode(openssl_encrypt(http_build_query($fields), $method, $passphrase, 0, $iv));
}
function run_module($n, $fields, $passphrase, $method) {
    for ($i = 0; $i < 2000; $i++) sso_link($fields, $passphrase, $method, 1795000000 + $i); // warm-up
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) $link = sso_link($fields, $passphrase, $method, 1795000000 + $i);
    return $n / ((hrtime(true) - $start) / 1e9);
}
function run_tuned($n, $fields, $passphrase, $method) {
    $iv = substr(hash('sha256', $passphrase), 0, 16);
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $fields['request_time'] = date(DATE_ATOM, 1795000000 + $i);
        $link = 'https://demo.print-server.net/sso.php?h=' . urlencode(openssl_encrypt(http_build_query($fields), $method, $passphrase, 0, $iv));
    }
    return $n / ((hrtime(true) - $start) / 1e9);
}
echo json_encode(['module' => run_module($n, $fields, $passphrase, $method), 'tuned' => run_tuned($n, $fields, $passphrase, $method), 'php' => PHP_VERSION, 'openssl' => OPENSSL_VERSION_TEXT]), "\n";
