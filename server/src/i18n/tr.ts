import type { MessageKey } from "./en.js";

/** Türkçe mesajlar. */
export const tr: Record<MessageKey, string> = {
  validation_failed: "İstek geçersiz: {summary}",
  invalid_json:
    "İstek gövdesi geçerli bir JSON değil ({reason}). JSON söz dizimini kontrol edin ve Content-Type: application/json gönderin.",
  payload_too_large:
    "İstek gövdesi {limit} baytlık sınırı aşıyor. İstek başına daha az veri gönderin (ingest çağrısı başına en fazla 10.000 kayıt).",
  unsupported_media_type: "Content-Type {type} burada kabul edilmiyor; {expected} gönderin.",
  route_not_found: "{method} {path} diye bir yol yok. Kullanılabilir uç noktalar için API başvurusuna bakın.",
  not_found: "{resource} {id} bulunamadı.",
  not_implemented: "{operation} API'nin bir parçası, ancak bu sunucu sürümü henüz desteklemiyor.",
  unauthorized: "Önce oturum açın: {operation} bir oturum çerezi (better-auth.session_token) gerektirir.",
  rate_limited:
    "Çok fazla istek: sınır {windowMinutes} dakikada {limit} istek. {retryAfter} sn sonra yeniden deneyin.",
  contact_rate_limited:
    "Adresinizden çok fazla mesaj geldi: {windowMinutes} dakikada en fazla {limit}. {retryAfter} sn sonra yeniden deneyin.",
  forbidden_role: "{action} için bu organizasyonda sahip veya yönetici rolü gerekir; rolünüz {role}.",
  owner_only: "Sahip rolünü yalnızca bir sahip verebilir veya geri alabilir.",
  last_owner: "{name} organizasyonun son sahibi: önce başka bir üyeyi sahip yapın.",
  slug_taken: "{slug} kısa adı zaten kullanılıyor; başka bir tane seçin.",
  already_member: "{email} zaten bu organizasyonun üyesi.",
  invitation_pending: "{email} için bu organizasyona bekleyen bir davet zaten var.",
  invitation_wrong_user:
    "Bu davet başka bir e-posta adresine gönderildi: kabul etmek için davet edilen kullanıcıyla oturum açın.",
  invitation_not_pending: "Bu davetin durumu {status}; bir sahipten veya yöneticiden yeni davet isteyin.",
  invitation_expired:
    "Bu davetin süresi {expiredAt} tarihinde doldu; bir sahipten veya yöneticiden yeni davet isteyin.",
  seats_exhausted:
    "{plan} planı {limit} ekip koltuğu içerir ve hepsi dolu (üyeler ve bekleyen davetler). Planı yükseltin veya bir üyeyi çıkarın.",
  expires_in_past: "expiresAt gelecekte bir zaman olmalıdır ({expiresAt} gönderildi).",
  project_mismatch: "Yasak: API anahtarı bu projeye ait değil",
  api_key_missing:
    "Bu uç nokta bir API anahtarı gerektirir: Authorization: Bearer sk_live_... gönderin (projenin API anahtarları bölümünden oluşturun).",
  api_key_malformed:
    "Authorization başlığı bir Segmento API anahtarı değil: Bearer sk_live_ ve ardından 64 küçük harfli onaltılık karakter beklenir.",
  api_key_unknown:
    "Bu API anahtarı geçerli değil (silinmiş olabilir). Projenin API anahtarları bölümünden yeni bir tane oluşturun.",
  api_key_disabled:
    "{prefix}... API anahtarı devre dışı. Yeniden etkinleştirin veya başka bir anahtar kullanın.",
  api_key_expired:
    "{prefix}... API anahtarının süresi {expiredAt} tarihinde doldu. Yeni bir anahtar oluşturun.",
  auth_rejected: "İstek reddedildi: {reason}",
  internal_error:
    "Bizim tarafımızda bir sorun oluştu. Daha sonra yeniden deneyin; sürerse {requestId} istek kimliğiyle destek ekibine yazın.",
  dependency_unavailable: "{dependency} şu anda kullanılamıyor. Birkaç saniye sonra yeniden deneyin.",
  response_contract_violation: "Sunucu, API sözleşmesine uymayan bir yanıt üretti: {summary}",
  "rule.required": "{field} zorunludur.",
  "rule.type": "{field} {type} türünde olmalıdır.",
  "rule.minLength": "{field} en az {limit} karakter olmalıdır.",
  "rule.maxLength": "{field} en fazla {limit} karakter olmalıdır.",
  "rule.minimum": "{field} >= {limit} olmalıdır.",
  "rule.maximum": "{field} <= {limit} olmalıdır.",
  "rule.exclusiveMinimum": "{field} > {limit} olmalıdır.",
  "rule.exclusiveMaximum": "{field} < {limit} olmalıdır.",
  "rule.minItems": "{field} en az {limit} öğe içermelidir.",
  "rule.maxItems": "{field} en fazla {limit} öğe içermelidir.",
  "rule.pattern": "{field} {pattern} kalıbına uymalıdır.",
  "rule.format": "{field} geçerli bir {format} olmalıdır.",
  "rule.enum": "{field} şunlardan biri olmalıdır: {values}.",
  "rule.const": "{field} {value} olmalıdır.",
  "rule.additionalProperties": "{field} bilinen bir alan değil; kaldırın.",
  "rule.oneOf": "{field} izin verilen biçimlerden tam olarak birine uymuyor.",
  "rule.anyOf": "{field} izin verilen biçimlerin hiçbirine uymuyor.",
  "rule.other": "{field} geçersiz ({rule}).",
};
