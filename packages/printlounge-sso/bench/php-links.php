<?php
// The vendor's PHP snippet (seed 002) in a loop, timed inside PHP; also a tuned variant without the
// (useless for ECB) mcrypt_create_iv call. Prints {"seed": links/s, "tuned": links/s, "php": version}.
$n = (int) ($argv[1] ?? 100000);
$passphrase = $argv[2];
$fields = json_decode($argv[3], true);
function encrypt($text, $passphrase) {
    return trim(base64_encode(mcrypt_encrypt(MCRYPT_RIJNDAEL_256, $passphrase, $text, MCRYPT_MODE_ECB, mcrypt_create_iv(mcrypt_get_iv_size(MCRYPT_RIJNDAEL_256, MCRYPT_MODE_ECB), MCRYPT_RAND))));
}
function encrypt_tuned($text, $passphrase) {
    return base64_encode(mcrypt_encrypt(MCRYPT_RIJNDAEL_256, $passphrase, $text, MCRYPT_MODE_ECB));
}
function run($n, $fields, $passphrase, $encrypt) {
    for ($i = 0; $i < 2000; $i++) $encrypt(http_build_query($fields), $passphrase); // warm-up
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $fields['valid_to'] = 1795000000 + $i;
        $link = 'https://demo.print-server.net/autologin.php?u_data=' . urlencode($encrypt(http_build_query($fields), $passphrase));
    }
    return $n / ((hrtime(true) - $start) / 1e9);
}
echo json_encode(['seed' => run($n, $fields, $passphrase, 'encrypt'), 'tuned' => run($n, $fields, $passphrase, 'encrypt_tuned'), 'php' => PHP_VERSION]), "\n";
