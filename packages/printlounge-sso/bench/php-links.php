<?php
// The vendor's PHP snippet (seed 002) in a loop; prints {"links": n, "seconds": s} measured inside PHP.
$n = (int) ($argv[1] ?? 100000);
$passphrase = $argv[2];
$fields = json_decode($argv[3], true);
function encrypt($text, $passphrase) {
    return trim(base64_encode(mcrypt_encrypt(MCRYPT_RIJNDAEL_256, $passphrase, $text, MCRYPT_MODE_ECB, mcrypt_create_iv(mcrypt_get_iv_size(MCRYPT_RIJNDAEL_256, MCRYPT_MODE_ECB), MCRYPT_RAND))));
}
$last = '';
for ($i = 0; $i < 2000; $i++) $last = urlencode(encrypt(http_build_query($fields), $passphrase)); // warm-up
$start = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    $fields['valid_to'] = 1795000000 + $i;
    $string = http_build_query($fields);
    $last = 'https://demo.print-server.net/autologin.php?u_data=' . urlencode(encrypt($string, $passphrase));
}
$seconds = (hrtime(true) - $start) / 1e9;
echo json_encode(['links' => $n, 'seconds' => $seconds, 'php' => PHP_VERSION, 'sample' => $last]), "\n";
