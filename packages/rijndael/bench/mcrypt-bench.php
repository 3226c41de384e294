<?php
// Times PHP's mcrypt (libmcrypt, C) inside one process so that PHP start-up is not measured.
// Usage: php mcrypt-bench.php <bulkBytes> <messageBytes> <minSeconds> <cpu|wall>; prints JSON.
error_reporting(E_ALL & ~E_DEPRECATED);
[$script, $bulkBytes, $messageBytes, $minSeconds, $clock] = $argv + [4 => 'cpu'];
$bulkBytes = (int) $bulkBytes;
$messageBytes = (int) $messageBytes;
$minSeconds = (float) $minSeconds;

$key = '';
for ($i = 0; $i < 32; $i++) {
    $key .= chr(($i * 29 + 7) & 255);
}
$iv = str_repeat("\x5a", 32);
$bulk = '';
for ($i = 0; $i < 256; $i++) {
    $bulk .= chr($i);
}
$bulk = str_repeat($bulk, intdiv($bulkBytes, 256));
$message = substr(str_repeat('customer_user_name=max&valid_to=1700000000&', 10), 0, $messageBytes);

/** Seconds on the chosen clock: CPU time of this process (getrusage) or elapsed time. */
function now(): float
{
    global $clock;
    if ($clock === 'wall') {
        return hrtime(true) / 1e9;
    }
    $usage = getrusage();
    return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6
        + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
}

function timeIt(callable $fn, float $minSeconds): float
{
    $fn(); // warm-up
    $runs = 0;
    $start = now();
    do {
        $fn();
        $runs++;
        $elapsed = now() - $start;
    } while ($elapsed < $minSeconds);
    return $runs / $elapsed;
}

$mib = $bulkBytes / 1048576;
$calls = 1000;
$ecbCipher = mcrypt_encrypt('rijndael-256', $key, $message, 'ecb');
$result = [
    'php' => PHP_VERSION,
    'mcrypt' => phpversion('mcrypt'),
    'ecbEncrypt' => $mib * timeIt(fn () => mcrypt_encrypt('rijndael-256', $key, $bulk, 'ecb'), $minSeconds),
    'ecbDecrypt' => $mib * timeIt(fn () => mcrypt_decrypt('rijndael-256', $key, $bulk, 'ecb'), $minSeconds),
    'cbcEncrypt' => $mib * timeIt(fn () => mcrypt_encrypt('rijndael-256', $key, $bulk, 'cbc', $iv), $minSeconds),
    'cbcDecrypt' => $mib * timeIt(fn () => mcrypt_decrypt('rijndael-256', $key, $bulk, 'cbc', $iv), $minSeconds),
    'callEncrypt' => $calls * timeIt(function () use ($key, $message, $calls) {
        for ($i = 0; $i < $calls; $i++) {
            mcrypt_encrypt('rijndael-256', $key, $message, 'ecb');
        }
    }, $minSeconds),
    'callDecrypt' => $calls * timeIt(function () use ($key, $ecbCipher, $calls) {
        for ($i = 0; $i < $calls; $i++) {
            mcrypt_decrypt('rijndael-256', $key, $ecbCipher, 'ecb');
        }
    }, $minSeconds),
];
echo json_encode($result), "\n";
