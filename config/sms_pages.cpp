// Paging long answers for SMS: a greedy fill that keeps blocks whole where it can, then cuts
// after sentences, then between words; every candidate page is measured with the real segment
// count (config/sms_cost.hpp), so the encoding a character forces is always accounted for.
#include "config/sms_pages.hpp"

#include "config/sms_cost.hpp"
#include "config/text_folding.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <utility>

namespace cwc::config {
namespace {

struct built_in_text {
    const char* key;
    const char* language;
    const char* text;
};

// The engine's own wording for the optional texts; a deployment overrides any of them in /texts.
constexpr built_in_text built_in_texts[] = {
    {"page_more", "en", "Reply 9 for more."},
    {"page_more", "es", "Responde 9 para ver más."},
    {"page_more", "fr", "Répondez 9 pour la suite."},
    {"page_more", "pt", "Responda 9 para ver mais."},
    {"page_more", "ar", "أرسل 9 للمزيد."},
    {"no_services", "en", "No service of this directory is open right now."},
    {"no_services", "es", "Por ahora no hay servicios abiertos en este directorio."},
    {"no_services", "fr", "Aucun service de cet annuaire n'est ouvert pour le moment."},
    {"no_services", "pt", "Nenhum serviço deste diretório está aberto no momento."},
    {"no_services", "ar", "لا توجد خدمات متاحة في هذا الدليل حالياً."},
    {"directory_entry", "en",
     "{name}\nHours: {hours}\nContact: {contact}\nBring: {documents}\nFor: {eligibility}"},
    {"directory_entry", "es",
     "{name}\nHorario: {hours}\nContacto: {contact}\nLlevar: {documents}\nPara: {eligibility}"},
    {"directory_entry", "fr",
     "{name}\nHoraires : {hours}\nContact : {contact}\nApporter : {documents}\nPour : "
     "{eligibility}"},
    {"directory_entry", "pt",
     "{name}\nHorário: {hours}\nContato: {contact}\nLevar: {documents}\nPara: {eligibility}"},
    {"directory_entry", "ar",
     "{name}\nالمواعيد: {hours}\nالاتصال: {contact}\nالوثائق: {documents}\nلمن: {eligibility}"},
    {"choose_sex", "en", "You may tell us your sex:"},
    {"choose_sex", "es", "Si quieres, dinos tu sexo:"},
    {"choose_sex", "fr", "Si vous le souhaitez, indiquez votre sexe :"},
    {"choose_sex", "pt", "Se quiser, diga-nos o seu sexo:"},
    {"choose_sex", "ar", "يمكنك أن تخبرنا بجنسك:"},
    {"choose_age_group", "en", "You may tell us your age:"},
    {"choose_age_group", "es", "Si quieres, dinos tu edad:"},
    {"choose_age_group", "fr", "Si vous le souhaitez, indiquez votre âge :"},
    {"choose_age_group", "pt", "Se quiser, diga-nos a sua idade:"},
    {"choose_age_group", "ar", "يمكنك أن تخبرنا بعمرك:"},
    {"choose_topics", "en", "Choose a topic to switch its news on or off (0 to go back):"},
    {"choose_topics", "es", "Elige un tema para activar o desactivar sus noticias (0 para volver):"},
    {"choose_topics", "fr", "Choisissez un sujet pour activer ou couper ses nouvelles (0 pour revenir) :"},
    {"choose_topics", "pt", "Escolha um tema para ativar ou desativar as notícias (0 para voltar):"},
    {"choose_topics", "ar", "اختر موضوعاً لتشغيل أخباره أو إيقافها (0 للرجوع):"},
    {"topic_on", "en", "{topic}: ON"},
    {"topic_on", "es", "{topic}: SI"},
    {"topic_on", "fr", "{topic} : OUI"},
    {"topic_on", "pt", "{topic}: SIM"},
    {"topic_on", "ar", "{topic}: نعم"},
    {"topic_off", "en", "{topic}: OFF"},
    {"topic_off", "es", "{topic}: NO"},
    {"topic_off", "fr", "{topic} : NON"},
    {"topic_off", "pt", "{topic}: NAO"},
    {"topic_off", "ar", "{topic}: لا"},
    {"subscribed", "en", "You will get news on {topic}."},
    {"subscribed", "es", "Te enviaremos noticias de {topic}."},
    {"subscribed", "fr", "Vous recevrez les nouvelles : {topic}."},
    {"subscribed", "pt", "Você vai receber notícias de {topic}."},
    {"subscribed", "ar", "ستصلك أخبار {topic}."},
    {"unsubscribed", "en", "You will no longer get news on {topic}."},
    {"unsubscribed", "es", "Ya no te enviaremos noticias de {topic}."},
    {"unsubscribed", "fr", "Vous ne recevrez plus les nouvelles : {topic}."},
    {"unsubscribed", "pt", "Você não vai mais receber notícias de {topic}."},
    {"unsubscribed", "ar", "لن تصلك أخبار {topic} بعد الآن."},
    {"subscriptions_none", "en", "You get no news from us now."},
    {"subscriptions_none", "es", "Ahora no recibes noticias de nosotros."},
    {"subscriptions_none", "fr", "Vous ne recevez plus aucune nouvelle de notre part."},
    {"subscriptions_none", "pt", "Agora você não recebe notícias nossas."},
    {"subscriptions_none", "ar", "لن تصلك أي أخبار منا الآن."},
    {"choose_news_region", "en", "Where do you want news for?"},
    {"choose_news_region", "es", "¿De qué lugar quieres recibir noticias?"},
    {"choose_news_region", "fr", "Pour quelle région voulez-vous les nouvelles ?"},
    {"choose_news_region", "pt", "De qual região você quer notícias?"},
    {"choose_news_region", "ar", "لأي منطقة تريد الأخبار؟"},
    {"news_region_set", "en", "News for {region}: noted."},
    {"news_region_set", "es", "Anotado: noticias para {region}."},
    {"news_region_set", "fr", "Noté : nouvelles pour {region}."},
    {"news_region_set", "pt", "Anotado: notícias para {region}."},
    {"news_region_set", "ar", "تم: أخبار {region}."},
    {"subscriptions_opted_out", "en", "You asked us to stop. Send {start} first, then choose again."},
    {"subscriptions_opted_out", "es", "Pediste no recibir mensajes. Envía {start} y vuelve a elegir."},
    {"subscriptions_opted_out", "fr", "Vous avez demandé l'arrêt. Envoyez {start}, puis choisissez."},
    {"subscriptions_opted_out", "pt", "Você pediu para parar. Envie {start} e escolha de novo."},
    {"subscriptions_opted_out", "ar", "طلبت إيقاف الرسائل. أرسل {start} أولاً ثم اختر من جديد."},
    {"erasure_yes", "en", "YES"},
    {"erasure_yes", "es", "SI"},
    {"erasure_yes", "fr", "OUI"},
    {"erasure_yes", "pt", "SIM"},
    {"erasure_yes", "ar", "نعم"},
    {"erasure_confirm", "en", "Erase your number and your messages from our records? Reply {yes} to confirm. Any other answer cancels."},
    {"erasure_confirm", "es", "¿Borrar tu número y tus mensajes de nuestros registros? Responde {yes} para confirmar. Cualquier otra respuesta lo cancela."},
    {"erasure_confirm", "fr", "Effacer votre numéro et vos messages de nos registres ? Répondez {yes} pour confirmer. Toute autre réponse annule."},
    {"erasure_confirm", "pt", "Apagar seu número e suas mensagens dos nossos registros? Responda {yes} para confirmar. Outra resposta cancela."},
    {"erasure_confirm", "ar", "هل تريد حذف رقمك ورسائلك من سجلاتنا؟ أرسل {yes} للتأكيد. أي رد آخر يلغي الطلب."},
    {"erasure_done", "en", "Done: your number and your messages are erased. This is our last message."},
    {"erasure_done", "es", "Listo: borramos tu número y tus mensajes. Este es nuestro último mensaje."},
    {"erasure_done", "fr", "C'est fait : votre numéro et vos messages sont effacés. Ceci est notre dernier message."},
    {"erasure_done", "pt", "Pronto: seu número e suas mensagens foram apagados. Esta é nossa última mensagem."},
    {"erasure_done", "ar", "تم حذف رقمك ورسائلك. هذه رسالتنا الأخيرة."},
    {"erasure_held", "en", "A case of yours is still open with the protection team, so we keep your data until it is closed. Then it is erased without you asking again."},
    {"erasure_held", "es", "Tienes un caso abierto con el equipo de protección: guardamos tus datos hasta cerrarlo. Luego se borran sin que lo pidas de nuevo."},
    {"erasure_held", "fr", "Un de vos dossiers est encore ouvert auprès de l'équipe de protection : nous gardons vos données jusqu'à sa clôture, puis elles seront effacées."},
    {"erasure_held", "pt", "Você tem um caso aberto com a equipe de proteção: guardamos seus dados até fechá-lo. Depois serão apagados sem novo pedido."},
    {"erasure_held", "ar", "لديك حالة مفتوحة لدى فريق الحماية، لذلك نحتفظ ببياناتك حتى إغلاقها، ثم تُحذف دون طلب جديد."},
    {"erasure_cancelled", "en", "Nothing was erased."},
    {"erasure_cancelled", "es", "No se borró nada."},
    {"erasure_cancelled", "fr", "Rien n'a été effacé."},
    {"erasure_cancelled", "pt", "Nada foi apagado."},
    {"erasure_cancelled", "ar", "لم يُحذف شيء."},
};

constexpr std::array<std::string_view, 10> right_to_left_languages = {
    "ar", "fa", "ur", "he", "ps", "ckb", "yi", "dv", "sd", "ug"};

const std::string right_to_left_mark = "\u200F";

bool fits(const std::string& text) {
    return count_sms(text).segments <= max_page_segments;
}

std::string marker(std::size_t k, std::size_t n, const page_frame& frame) {
    return (frame.right_to_left ? right_to_left_mark : std::string()) + "(" + std::to_string(k) +
           "/" + std::to_string(n) + ") ";
}

std::string join(std::string_view a, std::string_view sep, std::string_view b) {
    std::string out(a);
    if (!a.empty() && !b.empty()) out += sep;
    out += b;
    return out;
}

// A page of several as it is sent.
std::string framed(const std::string& body, std::size_t k, std::size_t n, const page_frame& frame) {
    // The back hint closes the last page only: on the others it would take the room of the
    // answer (a tenth of a UCS-2 page), and "0" works on every page anyway.
    const std::string& footer = k < n ? frame.more : frame.back;
    return join(marker(k, n, frame) + body, "\n\n", footer);
}

void trim_right(std::string& s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.pop_back();
}

// The greedy fill, measuring every candidate as the widest page of `widest` would be framed.
class page_filler {
  public:
    page_filler(const page_frame& frame, std::size_t widest) : frame_(frame), widest_(widest) {}

    void add_block(const std::string& block, std::size_t index) {
        if (block.empty()) return;
        if (fits_page(join(body_, "\n\n", block))) {
            body_ = join(body_, "\n\n", block);
            blocks_.push_back(index);
            return;
        }
        flush();
        if (fits_page(block)) {
            body_ = block;
            blocks_.push_back(index);
            return;
        }
        add_lines(block, index);
    }

    std::vector<page> finish() {
        flush();
        return std::move(pages_);
    }

  private:
    // Whether it is the last page is only known at the end: it must fit either way.
    bool fits_page(const std::string& body) const {
        return fits(framed(body, widest_, widest_ + 1, frame_)) &&
               fits(framed(body, widest_, widest_, frame_));
    }

    void flush() {
        trim_right(body_);
        if (body_.empty()) return;
        pages_.push_back({std::move(body_), std::move(blocks_)});
        body_.clear();
        blocks_.clear();
    }

    // A block longer than a page: line by line (a directory entry's lines: name, hours,
    // contact...), a line longer than a page word by word.
    void add_lines(const std::string& block, std::size_t index) {
        std::size_t pos = 0;
        while (pos <= block.size()) {
            std::size_t end = block.find('\n', pos);
            if (end == std::string::npos) end = block.size();
            const std::string line = block.substr(pos, end - pos);
            pos = end + 1;
            if (line.empty()) continue;
            if (fits_page(join(body_, "\n", line))) {
                body_ = join(body_, "\n", line);
                continue;
            }
            if (!body_.empty()) {
                blocks_.push_back(index);
                flush();
            }
            if (fits_page(line)) {
                body_ = line;
            } else {
                add_words(line, index);
            }
        }
        if (!body_.empty()) blocks_.push_back(index);
    }

    // A line longer than a page: word by word, each page ending after its last full sentence
    // when that sentence ends in the second half of the page.
    void add_words(const std::string& block, std::size_t index) {
        std::size_t pos = 0;
        while (pos < block.size()) {
            std::size_t end = block.find_first_of(" \n", pos);
            end = end == std::string::npos ? block.size() : end + 1;
            const std::string word = block.substr(pos, end - pos);
            std::string candidate = body_ + word;
            trim_right(candidate);
            if (fits_page(candidate)) {
                body_ += word;
                pos = end;
                continue;
            }
            if (body_.empty()) {
                pos += longest_fitting_prefix(block.substr(pos, end - pos));
                blocks_.push_back(index);
                flush();
                continue;
            }
            const std::string rest = cut_after_sentence();
            blocks_.push_back(index);
            flush();
            body_ = rest;
        }
        if (!body_.empty()) blocks_.push_back(index);
    }

    // Moves body_'s text after its last sentence end (in the page's second half) out; returns it.
    std::string cut_after_sentence() {
        std::size_t best = std::string::npos;
        for (std::string_view end : {". ", "? ", "! ", "؟ ", "\n"}) {
            const std::size_t at = body_.rfind(end);
            if (at == std::string::npos || at + end.size() >= body_.size()) continue;
            if (best == std::string::npos || at + end.size() > best) best = at + end.size();
        }
        if (best == std::string::npos || best < body_.size() / 2) return {};
        std::string rest = body_.substr(best);
        body_.erase(best);
        return rest;
    }

    // A word longer than a page goes in by code points; returns the bytes taken (at least one
    // code point, so the fill always advances).
    std::size_t longest_fitting_prefix(const std::string& word) {
        std::size_t taken = 0;
        while (taken < word.size()) {
            std::size_t next = taken;
            next_code_point(word, next);
            if (taken > 0 && !fits_page(word.substr(0, next))) break;
            taken = next;
        }
        body_ = word.substr(0, taken);
        return taken;
    }

    const page_frame& frame_;
    std::size_t widest_;
    std::string body_;
    std::vector<std::size_t> blocks_;
    std::vector<page> pages_;
};

}  // namespace

page_frame frame_for(const config& cfg, const language_code& lang) {
    return {optional_text(cfg, "page_more", lang), cfg.text("back_hint", lang),
            is_right_to_left(lang)};
}

std::vector<page> paginate(const std::vector<std::string>& blocks, const page_frame& frame) {
    std::string whole;
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (blocks[i].empty()) continue;
        whole = join(whole, "\n\n", blocks[i]);
        all.push_back(i);
    }
    const std::string single = join(whole, "\n\n", frame.back);
    if (fits(single) || whole.empty()) return {{single, all}};

    // The marker's width depends on the page count: measure with 9 pages, then 99, then 999.
    std::vector<page> pages;
    for (std::size_t widest = 9; widest <= 999; widest = widest * 10 + 9) {
        page_filler filler(frame, widest);
        for (std::size_t i = 0; i < blocks.size(); ++i) filler.add_block(blocks[i], i);
        pages = filler.finish();
        if (pages.size() <= widest) break;
    }
    for (std::size_t k = 0; k < pages.size(); ++k) {
        auto& b = pages[k].blocks;
        b.erase(std::unique(b.begin(), b.end()), b.end());
        pages[k].text = framed(pages[k].text, k + 1, pages.size(), frame);
    }
    return pages;
}

bool is_right_to_left(const language_code& lang) {
    return std::find(right_to_left_languages.begin(), right_to_left_languages.end(), lang) !=
           right_to_left_languages.end();
}

const std::string& optional_text(const config& cfg, const std::string& key,
                                 const language_code& lang) {
    if (auto it = cfg.texts.find(key); it != cfg.texts.end()) {
        if (auto t = it->second.find(lang); t != it->second.end() && !t->second.empty()) {
            return t->second;
        }
    }
    static const std::map<std::pair<std::string, std::string>, std::string> built_in = [] {
        std::map<std::pair<std::string, std::string>, std::string> m;
        for (const auto& t : built_in_texts) m[{t.key, t.language}] = t.text;
        return m;
    }();
    if (auto it = built_in.find({key, lang}); it != built_in.end()) return it->second;
    if (auto it = built_in.find({key, "en"}); it != built_in.end()) return it->second;
    static const std::string none;
    return none;
}

}  // namespace cwc::config
