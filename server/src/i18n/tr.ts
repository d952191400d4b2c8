import type { MessageKey } from "./en.js";

/** Türkçe mesajlar. */
export const tr: Record<MessageKey, string> = {
  validation_failed: "İstek geçersiz: {summary}",
  invalid_json:
    "İstek gövdesi geçerli bir JSON değil ({reason}). JSON söz dizimini kontrol edin ve Content-Type: application/json gönderin.",
  payload_too_large:
    "İstek gövdesi {limit} baytlık sınırı aşıyor. İstek başına daha az veri gönderin (ingest çağrısı başına en fazla 10.000 kayıt).",
  unsupported_media_type: "Content-Type {type} burada kabul edilmiyor; {expected} gönderin.",
  invalid_body_encoding:
    "İstek gövdesi çözülemiyor ({reason}). UTF-8 JSON gönderin: sıkıştırmasız veya Content-Encoding gzip, deflate ya da br ile.",
  invalid_body: "İstek gövdesi okunamıyor ({reason}). Gövdenin tamamını, Content-Length kadar gönderin.",
  too_deeply_nested:
    "{field} {limit} düzeyden daha derin iç içe. Düzleştirin: hiçbir istek bu kadar iç içe yapı gerektirmez.",
  invalid_data:
    "İstekteki bir değer kaydedilemiyor ({reason}). Gönderdiğiniz metin ve sayılarda yersiz karakter veya aralık olup olmadığını kontrol edin.",
  route_not_found: "{method} {path} diye bir yol yok. Kullanılabilir uç noktalar için API başvurusuna bakın.",
  not_found: "{resource} {id} bulunamadı.",
  not_implemented: "{operation} API'nin bir parçası, ancak bu sunucu sürümü henüz desteklemiyor.",
  unauthorized: "Önce oturum açın: {operation} bir oturum çerezi (better-auth.session_token) gerektirir.",
  metrics_token_invalid:
    "GET /metrics, bu sunucuya tanımlanan bearer token'ı (METRICS_TOKEN) ister: Authorization: Bearer <token> gönderin.",
  metrics_not_configured:
    "Bu sunucuda metrikler kapalı: GET /metrics'i açmak için METRICS_TOKEN'ı (en az 16 karakter) ayarlayın.",
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
  origin_not_trusted:
    "Bu istek oturum çerezi ile bir değişiklik yapıyor ancak bu sunucunun güvenmediği {origin} kaynağından geliyor. İsteği {publicOrigin} (PUBLIC_URL) üzerinden gönderin veya kaynağını TRUSTED_ORIGINS listesine ekleyin; betikler bunun yerine bir API anahtarı kullanabilir.",
  origin_missing:
    "Bu istek oturum çerezi ile bir değişiklik yapıyor ancak nereden geldiğini belirtmiyor (Origin başlığı yok). Origin: {publicOrigin} veya TRUSTED_ORIGINS listesindeki bir kaynak gönderin; betikler bunun yerine bir API anahtarı kullanabilir.",
  "auth.invalid_email_or_password":
    "E-posta veya parola yanlış (hangisi olduğunu söylemiyoruz). İkisini de kontrol edin ya da hesabınız yoksa kaydolun.",
  "auth.user_already_exists":
    "Bu e-posta ile bir hesap zaten var: bunun yerine oturum açın veya başka bir e-posta kullanın.",
  "auth.invalid_email": "E-posta adresi geçerli değil: ada@example.com gibi bir adres gönderin.",
  "auth.password_too_short": "Parola çok kısa: en az 8 karakter kullanın.",
  "auth.password_too_long": "Parola çok uzun: en fazla 128 karakter kullanın.",
  "auth.validation_failed": "İstek geçersiz: {reason}. Ad, e-posta ve parolayı JSON olarak gönderin.",
  "auth.too_many_sign_in_attempts":
    "Bu hesap için çok fazla oturum açma denemesi yapıldı: {retryAfter} sn sonra yeniden deneyin. Parolanızı unuttuysanız kuruluşunuzun bir sahibinden yardım isteyin.",
  "auth.too_many_requests": "Adresinizden çok fazla deneme yapıldı: {retryAfter} sn sonra yeniden deneyin.",
  auth_rejected: "İstek reddedildi: {reason}",
  "ingest.mapping_unknown_field":
    'Eşleme, alanlarımızdan biri olmayan "{field}" adını içeriyor; şunlardan birini kullanın: {fields}.',
  "ingest.mapping_column_missing":
    'Eşleme {field} alanını "{column}" sütununa bağlıyor, ancak dosyada böyle bir sütun yok. Dosyanın sütunları: {available}.',
  "ingest.column_missing":
    "Dosyanın sütunları ({available}) arasında {field} için bir sütun bulunamadı. Sütunu {synonyms} adlarından biriyle adlandırın veya eşlemede {field} alanını kendi sütununuza bağlayın.",
  "ingest.amount_column_missing":
    "Dosyanın sütunları ({available}) arasında {field} için bir sütun, onu hesaplamak için de quantity ve unit_price sütunları bulunamadı. Bir tane ekleyin veya eşlemede amount (ya da quantity ve unit_price) alanlarını kendi sütunlarınıza bağlayın.",
  "ingest.duplicate_column":
    'Başlıkta iki sütunun adı "{column}" ({first}. ve {second}. sütunlar); her sütuna ayrı bir ad verin.',
  "ingest.column_count":
    "Bu satırda {found} değer var, ancak başlıkta {expected} sütun var; ayırıcıyı kontrol edin ve ayırıcıyı içeren değerleri çift tırnak içine alın.",
  "ingest.value_required": "{field} boş, ancak bir {kind} kaydı için gerekli; doldurun.",
  "ingest.amount_required":
    "{field} boş; bir satın almanın tutarı ya da çarpılacak quantity ve unit_price değerleri olmalıdır. Bunlardan birini doldurun.",
  "ingest.date_invalid":
    '{field} anlayabildiğimiz bir tarih değil: "{value}" (ISO 8601 kullanın, ör. 2026-05-01 veya 2026-05-01T14:03:00Z).',
  "ingest.date_impossible":
    '{field} gerçek bir tarih veya saat değil: "{value}"; günü, ayı ve sıralarını kontrol edin.',
  "ingest.date_out_of_range":
    '{field} {year} yılında ("{value}"); tarihler 1900 ile 2100 arasında olmalıdır, değeri ve biçimini kontrol edin.',
  "ingest.number_invalid":
    '{field} anlayabildiğimiz bir sayı değil: "{value}" (rakamları ondalık için nokta veya virgülle, para birimi işareti olmadan yazın; ör. 1234.50 veya 1.234,50).',
  "ingest.value_not_allowed": '{field} değeri "{value}"; şunlardan birini kullanın: {values}.',
  "ingest.currency_invalid":
    '{field} değeri "{value}"; USD, EUR veya TRY gibi üç harfli bir ISO 4217 kodu kullanın ya da projenin para birimi için boş bırakın.',
  "ingest.file_empty":
    "Dosyada hiç satır yok: önce sütun adlarını içeren bir başlık satırı, ardından her sipariş için bir satır olmalıdır.",
  "ingest.csv_delimiter_invalid":
    "{delimiter} CSV sütunlarını ayıramaz; çift tırnak veya satır sonu dışında tek bir karakter kullanın, ör. , ; | veya sekme.",
  "ingest.csv_quote_not_closed":
    "{line}. satırda başlayan tırnaklı değer hiç kapanmıyor; kapanış çift tırnağını ekleyin.",
  "ingest.csv_quote_misplaced":
    '{line}. satırda tırnaksız bir değerin içinde çift tırnak ya da kapanış tırnağından hemen sonra metin var; değerin tamamını çift tırnak içine alın ve içindeki her tırnağı iki kez yazın ("").',
  "ingest.csv_record_too_large":
    "{line}. satırda başlayan kayıt {limit} bayttan uzun; genellikle o satırdaki bir çift tırnak hiç kapanmamıştır.",
  "ingest.xlsx_unreadable":
    "Dosya bir XLSX çalışma kitabı olarak okunamıyor ({reason}); yeniden .xlsx olarak kaydedin veya CSV olarak dışa aktarın.",
  progress_expired:
    "{id} işinin canlı ilerleme kaydı artık yok (yaklaşık bir saat tutulur). Kalıcı kaydını GET /api/engine/jobs/{id}/status adresinden okuyun.",
  run_progress_expired:
    "{id} çalıştırmasının canlı ilerleme kaydı artık yok (yaklaşık bir saat tutulur). Çalıştırmayı GET /api/engine/runs/{id} adresinden okuyun.",
  run_closed:
    "{id} çalıştırması kapandı: son partisi geldi. Yeni bir çalıştırma başlatmak için bu partiyi run_id olmadan gönderin.",
  idempotency_mismatch:
    "Bu Idempotency-Key son 24 saatte farklı bir istekle kullanıldı. Yeni bir istek için yeni bir anahtar kullanın.",
  idempotency_in_progress:
    "Bu Idempotency-Key ile gönderilen istek hâlâ işleniyor. Sonucunu almak için biraz sonra yeniden deneyin.",
  quota_profiles:
    "Bu veri {incoming} yeni müşteri profili oluşturarak organizasyonu {plan} planının {limit} sınırının üzerine çıkarır ({used} mevcut veya içe aktarılıyor); hiçbir şey kaydedilmedi. Planı yükseltin veya mevcut müşteriler için veri gönderin.",
  billing_not_configured:
    "Bu sunucuda ücretli planlar kullanılamıyor: Stripe yapılandırılmamış. {variables} değişkenlerini ayarlayın (README'deki Environment tablosu); ücretsiz plan ve kullanım bunlarsız çalışır.",
  billing_price_missing:
    "{plan} planının {interval} faturalaması için bu sunucuda Stripe fiyatı yok. {variable} değişkenine Stripe fiyat kimliğini yazın.",
  already_subscribed:
    "Organizasyonun zaten {status} durumda bir {plan} aboneliği var. Fatura portalında değiştirin veya iptal edin (POST /api/organizations/{orgId}/billing-portal).",
  already_on_free: "Organizasyon zaten ücretsiz planda; hiçbir şey değişmedi.",
  no_paid_subscription:
    "Organizasyonun {action} için ücretli aboneliği yok; {plan} planında. POST /api/organizations/{orgId}/checkout ile başlatın.",
  stripe_signature_invalid:
    "Stripe-Signature başlığı bu uç noktanın sırrıyla ham gövdeyi doğrulamıyor: {reason}. STRIPE_WEBHOOK_SECRET değerini kontrol edin.",
  stripe_refused: "Stripe isteği reddetti: {reason}.",
  quota_rows:
    "{incoming} satırlık bu parti, organizasyonu {plan} planının {limit} satır sınırının üzerine çıkarır ({used} kullanıldı). Planı yükseltin veya eski dosyaları silin.",
  quota_storage:
    "Organizasyon {plan} planının {limit} GB depolama alanının {used} GB'ını kullandı ve bu dosya sığmıyor. Planı yükseltin veya eski dosyaları silin.",
  quota_model_runs:
    "{plan} planı her fatura döneminde {limit} model çalıştırması içerir ve {since} tarihinden beri {used} çalıştırma yapıldı. Planı yükseltin veya {resetsAt} tarihini bekleyin.",
  cursor_invalid: "starting_after kullanılamıyor: {reason}.",
  filter_invalid: "Filtre {path} konumunda geçersiz: {reason}.",
  segment_name_taken: "Bu projede {name} adında bir segment zaten var; başka bir ad seçin.",
  segment_base_invalid:
    "base_segment_id {id} bu projenin bir küme segmenti değil: hibrit segment, projenin küme segmentlerinden birinden başlar.",
  segment_cluster_rules:
    "{name} kural veya combine alamaz: küme segmentleri modelden gelir ve combine yalnızca hibrit segmentler içindir. Bunun yerine üzerine bir hibrit segment oluşturun.",
  integration_url_blocked:
    "config.{field} kullanılamaz: {reason}. Webhook'lar herkese açık bir adrese işaret etmelidir.",
  integration_not_webhook:
    "Yalnızca custom_webhook entegrasyonlarının imza anahtarı vardır; bu entegrasyon {channel}.",
  integration_test_failed:
    "Sağlayıcı test çağrısını reddetti: {reason}. Kimlik bilgilerini ve ayarları kontrol edin.",
  automation_reference: "{field} {id} bu projenin bir segmenti veya entegrasyonu değil.",
  automation_placeholder:
    "{field} bilinmeyen yer tutucular kullanıyor: {names}. {{customer_id}} veya {{extra_features.country}} gibi müşteri alanlarını kullanın.",
  automation_cron_invalid:
    'trigger.cron geçerli bir zamanlama değil: {reason} (ör. "0 9 * * 1" = pazartesileri 09:00 UTC).',
  quota_automations:
    "{plan} planı {limit} etkin otomasyona izin verir ve hepsi kullanımda. Birini duraklatın veya planı yükseltin.",
  delivery_not_redeliverable:
    "Yalnızca başarısız veya ölü teslimatlar yeniden gönderilebilir; bunun durumu {status}.",
  ingest_invalid_records:
    "{total} kaydın {count} tanesi geçersiz, bu yüzden hiçbir şey kaydedilmedi. Onları düzeltin (ilk sorunlar details içinde) ve partiyi yeniden gönderin.",
  upload_malformed:
    "Yükleme multipart/form-data olarak okunamıyor ({reason}); dosyayı file adlı bir form alanında gönderin.",
  upload_not_multipart:
    'Dosyayı multipart/form-data olarak, "file" adlı bir bölümde yükleyin (gelen Content-Type: {type}).',
  upload_missing_file: 'Yüklemede dosya yok: dosyayı "file" adlı bir multipart bölümü olarak gönderin.',
  upload_invalid_rows:
    "{file} dosyasının {total} satırından {count} tanesi geçersiz (ilkleri satır numaralarıyla details içinde). Onları düzeltin veya atlayıp saymak için skipInvalidRows=true gönderin.",
  upload_empty: "{file} dosyasında başlığın altında veri satırı yok.",
  upload_unmapped_columns:
    '{file} dosyasının sütunları işlem olarak okunamıyor (details\'e bakın). Sütunları yeniden adlandırın veya {"customer_id":"CustomerID"} gibi bir eşleme gönderin.',
  upload_bad_mapping:
    "mapping, alan adlarımızdan sütun adlarınıza giden bir JSON nesnesi olmalıdır ({reason}).",
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
  "rule.noNul": "{field} bir NUL karakteri (\\u0000) içeriyor; onu kaldırın.",
  "rule.maxDepth": "{field} {limit} düzeyden daha derin iç içe.",
};
