<?php
/**
 * The judge of the splice tests: what a PHP shop makes of a spliced link. Reads one JSON object per line:
 *   {"mode": "v1", "key": "...", "data": "<base64 ciphertext>", ...}              mcrypt Rijndael-256 ECB
 *   {"mode": "v2", "method": "aes-256-cbc", "key": "...", "iv": "<base64>", "data": "<base64>", ...}
 * plus the facts about user A: "ownName", "residual" (the prefix no sender can protect, or ""),
 * v1: "now" and "latest" (unix seconds: the shop's clock, the latest genuine valid_to),
 * v2: "now" and "latest" (unix seconds: the shop's clock, the latest genuine request_time).
 * Prints one JSON line per input: {"verdict": "forgery"|"extension"|"residual"|"none"|"undecryptable",
 * "name": <base64|null|"(array)">, "time": <base64|null|"(array)">}.
 *
 * The shop is modelled as lenient as PHP code plausibly is, so the judge errs towards "forgery":
 * - the user name must match the vendor's table (1–50 of A-Z a-z 0-9 _ - . @), nothing else;
 * - v1 `valid_to` passes if either `$valid_to < time()` is false (PHP 8 loose comparison: "9abc" passes)
 *   or `(int)$valid_to >= time()`;
 * - v2 `request_time` passes if strtotime() reads it and it is not older than 500 s (the future passes).
 */
function show($value) {
    if ($value === null) return null;
    if (is_array($value)) return '(array)';
    return base64_encode($value);
}
function v1_accepts($time, $at) {
    return is_string($time) && $time !== '' && (!($time < $at) || (int) $time >= $at);
}
function v2_time($time) {
    if (!is_string($time) || $time === '') return false;
    return strtotime($time);
}
while (($line = fgets(STDIN)) !== false) {
    $in = json_decode($line, true);
    if ($in['mode'] === 'v1') {
        $plain = mcrypt_decrypt(MCRYPT_RIJNDAEL_256, $in['key'], base64_decode($in['data']), MCRYPT_MODE_ECB);
        $timeField = 'valid_to';
    } else {
        $plain = openssl_decrypt($in['data'], $in['method'], $in['key'], 0, base64_decode($in['iv']));
        $timeField = 'request_time';
    }
    if ($plain === false) {
        echo json_encode(['verdict' => 'undecryptable', 'name' => null, 'time' => null]), "\n";
        continue;
    }
    parse_str(rtrim($plain, "\0"), $fields);
    $name = $fields['customer_user_name'] ?? null;
    $time = $fields[$timeField] ?? null;
    $own = $in['ownName'];
    $residual = $in['residual'];
    $validName = is_string($name) && preg_match('/^[A-Za-z0-9_.@-]{1,50}$/', $name) === 1;
    if ($in['mode'] === 'v1') {
        $fresh = v1_accepts($time, (int) $in['now']);
        $later = v1_accepts($time, (int) $in['latest'] + 1);
    } else {
        $ts = v2_time($time);
        $fresh = $ts !== false && $ts >= (int) $in['now'] - 500;
        $later = $ts !== false && $ts > (int) $in['latest'];
    }
    $verdict = 'none';
    if ($validName && $name !== $own && $fresh) {
        $verdict = ($residual !== '' && str_starts_with($name, $residual)) ? 'residual' : 'forgery';
    } elseif ($validName && $name === $own && $later) {
        $verdict = 'extension';
    }
    echo json_encode(['verdict' => $verdict, 'name' => show($name), 'time' => show($time)]), "\n";
}
